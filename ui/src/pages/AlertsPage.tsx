import { Placeholder } from './Placeholder';

export function AlertsPage() {
  return <Placeholder title="Alerts" />;
}
