import { Placeholder } from './Placeholder';

export function TargetsPage() {
  return <Placeholder title="Target health" />;
}
