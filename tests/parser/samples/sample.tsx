import React from "react";

type Props = { title: string };

export function Header({ title }: Props): JSX.Element {
  return <h1>{title}</h1>;
}

export const Footer = ({ title }: Props) => (
  <footer>{title}</footer>
);

export class Page extends React.Component<Props> {
  render() {
    return <div />;
  }
}
