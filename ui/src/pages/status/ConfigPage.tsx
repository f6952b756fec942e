import { Placeholder } from '../Placeholder';

export function ConfigPage() {
  return <Placeholder title="Configuration" />;
}
