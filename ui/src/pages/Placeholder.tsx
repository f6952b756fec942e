import { PageTitle } from '../components/common';

// A page still to be written.
export function Placeholder(props: { title: string }) {
  return (
    <div class="page">
      <PageTitle>{props.title}</PageTitle>
      <p>This page is not built yet.</p>
    </div>
  );
}
