import { Placeholder } from '../Placeholder';

export function StatusPage() {
  return <Placeholder title="Runtime & build information" />;
}
