import { Outlet } from 'react-router-dom';

import { useDeepLinkNavigation } from '../shell/useDeepLinkNavigation';
import { useActivityReporter } from './useActivityReporter';
import { useClearDataWhenSessionCloses } from './useClearDataWhenSessionCloses';
import { useSession } from './useSession';
import { useSessionEvents } from './useSessionEvents';

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
