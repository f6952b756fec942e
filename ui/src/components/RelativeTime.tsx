// A time relative to now ("12.3s ago") with the absolute time (UTC or local, per the settings)
// as its tooltip.

import { formatRelative, formatTime } from '../format';
import { useLocalTime } from '../settings';
import { useStore } from '../store';

export function RelativeTime(props: { time: number | null; never?: string; now?: number }) {
  const local = useStore(useLocalTime);
  if (props.time === null) return <span class="muted">{props.never ?? 'never'}</span>;
  return (
    <time dateTime={new Date(props.time).toISOString()} title={formatTime(props.time, true, local) + (local ? ' (local)' : ' UTC')}>
      {formatRelative(props.time, props.now)}
    </time>
  );
}
