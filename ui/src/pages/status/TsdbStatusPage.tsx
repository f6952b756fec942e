import { Placeholder } from '../Placeholder';

export function TsdbStatusPage() {
  return <Placeholder title="TSDB status" />;
}
