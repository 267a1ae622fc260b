import { useRoute } from './router';
import { ThemeSwitch, useTheme } from './theme';
import { Home } from '../features/home/Home';
import { NewDisplay } from '../features/display/NewDisplay';
import { DisplayView } from '../features/display/DisplayView';
import { ControllerView } from '../features/controller/ControllerView';

export function App() {
  const route = useRoute();
  useTheme(); // applies the stored choice on every page
  return (
    <>
      <a className="skip" href="#content">
        Skip to content
      </a>
      <div id="content" className="app">
        {route.name === 'home' && (
          <>
            <Home />
            <footer className="home-footer">
              <ThemeSwitch />
            </footer>
          </>
        )}
        {route.name === 'new-display' && <NewDisplay />}
        {route.name === 'display' && <DisplayView key={route.code} code={route.code} />}
        {route.name === 'controller' && <ControllerView key={route.code} code={route.code} />}
        {route.name === 'not-found' && (
          <main className="center">
            <h1>Page not found</h1>
            <p>
              <a href="/">Start again</a>
            </p>
          </main>
        )}
      </div>
    </>
  );
}
