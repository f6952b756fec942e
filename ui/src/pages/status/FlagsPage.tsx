import { Placeholder } from '../Placeholder';

export function FlagsPage() {
  return <Placeholder title="Command-line flags" />;
}
