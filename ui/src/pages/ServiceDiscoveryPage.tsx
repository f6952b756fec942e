import { Placeholder } from './Placeholder';

export function ServiceDiscoveryPage() {
  return <Placeholder title="Service discovery" />;
}
