// /config: the loaded configuration as YAML (GET /api/v1/status/config), with a copy button.

import { useRef, useState } from 'preact/hooks';
import { ErrorBox, Loading, PageTitle, useApi } from '../../components/common';
import '../pages.css';

// Selects the text of `el`, for a manual copy when the clipboard API is unavailable (plain http).
function selectText(el: HTMLElement) {
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

export function ConfigPage() {
  const config = useApi<{ yaml: string }>('/api/v1/status/config');
  const pre = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    const text = config.response?.data.yaml ?? '';
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setCopied('Copied to the clipboard.');
    } catch {
      let ok = false;
      if (pre.current) {
        selectText(pre.current);
        try {
          ok = document.execCommand('copy');
        } catch {
          ok = false;
        }
      }
      setCopied(ok ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (⌘C) to copy.');
    }
    window.setTimeout(() => setCopied(''), 4000);
  };
  return (
    <div class="page">
      <PageTitle>Configuration</PageTitle>
      <div class="toolbar">
        <button onClick={copy} disabled={!config.response}>
          Copy to clipboard
        </button>
        <span class="muted" role="status">
          {copied}
        </span>
      </div>
      {config.error && <ErrorBox title="Error fetching the configuration" error={config.error} />}
      {!config.response && !config.error && <Loading height={600} />}
      {config.response && (
        <pre class="config-pre" ref={pre}>
          {config.response.data.yaml}
        </pre>
      )}
    </div>
  );
}
