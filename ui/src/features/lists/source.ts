// The list kit knows no provider: each provider's features hand it one RecordSource with what it must say and read.
import type { UseQueryResult } from '@tanstack/react-query';

import type { IpcError, Organisation } from '../../lib/bindings';

/** The provider whose synced records a list or detail page shows. */
export interface RecordSource {
  /** The provider's name as people know it, e.g. "Xero"; it appears in the page's wording. */
  name: string;
  /**
   * Its connected organisations: a list shows once there is one. A hook, called on every render of the page, so
   * it must be module-level (the same function every time).
   */
  useOrganisations: () => UseQueryResult<Organisation[], IpcError>;
}
