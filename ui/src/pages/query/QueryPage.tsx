import { Placeholder } from '../Placeholder';

export function QueryPage() {
  return <Placeholder title="Query" />;
}
