// How Xero's records appear in the list kit (features/lists).
import type { RecordSource } from '../lists/source';
import { useOrganisations } from './organisations/useOrganisations';

export const xeroSource: RecordSource = { name: 'Xero', useOrganisations };
