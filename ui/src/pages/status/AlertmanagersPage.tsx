import { Placeholder } from '../Placeholder';

export function AlertmanagersPage() {
  return <Placeholder title="Alertmanager discovery" />;
}
