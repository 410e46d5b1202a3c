import { Outlet } from 'react-router-dom';

import { useDeepLinkNavigation } from './useDeepLinkNavigation';
import { useActivityReporter } from '../session/useActivityReporter';
import { useClearDataWhenSessionCloses } from '../session/useClearDataWhenSessionCloses';
import { useSession } from '../session/useSession';
import { useSessionEvents } from '../session/useSessionEvents';

/**
 * The root of every route, login included: follows the session Rust holds (events, activity, cached data) and
 * deep links, which then pass the route guard like any other navigation.
 */
export function SessionRoot() {
  const session = useSession();
  useSessionEvents();
  useActivityReporter(session.data);
  useClearDataWhenSessionCloses(session.data?.state);
  useDeepLinkNavigation();
  return <Outlet />;
}
