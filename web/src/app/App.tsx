export function App() {
  return <main>Marquee</main>;
}
