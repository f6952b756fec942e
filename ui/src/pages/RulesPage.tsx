import { Placeholder } from './Placeholder';

export function RulesPage() {
  return <Placeholder title="Rule health" />;
}
