// The fake list of connected providers.
import { fixtures } from './fixtures';
import type { CommandHandlers } from './handlers';

export function connectionsHandlers(): CommandHandlers {
  return {
    list_connections: () => structuredClone(fixtures.connections),
  };
}
