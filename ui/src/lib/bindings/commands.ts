// Generated from src-tauri/src/commands/table.rs by the shell's commands test. Do not edit.
// Regenerate with: UPDATE_COMMANDS=1 cargo nextest run -p xero-partner commands
import type { Permission } from "./session/Permission";

/** Who may call a command: "public" works signed out; otherwise Rust checks this permission first. */
export type Need = Permission | "public";

/** Every command the window may call, with what it needs, in the table's order. */
export const COMMANDS = {
  app_info: "public",
  connectivity: "public",
  session_status: "public",
  sign_in: "public",
  cancel_sign_in: "public",
  sign_out: "public",
  lock_session: "public",
  session_activity: "public",
  update_session_settings: "manage_sign_in",
  adopt_proposed_sign_in: "manage_sign_in",
  db_info: "read",
  list_connections: "read",
  list_audit_events: "read",
  verify_audit_log: "read",
  list_collections: "read",
  list_settlement_attention: "read",
  get_collection: "read",
  collect_invoice: "collect_payments",
  cancel_collection: "collect_payments",
  retry_collection: "collect_payments",
  refund_collection: "collect_payments",
  connect_gocardless: "manage_credentials",
  disconnect_gocardless: "manage_connections",
  list_gocardless_mandates: "read",
  list_gocardless_payouts: "read",
  sync_gocardless: "read",
  gocardless_contact_mandates: "read",
  confirm_gocardless_customer: "collect_payments",
  start_gocardless_mandate_setup: "collect_payments",
  follow_gocardless_mandate_setup: "read",
  cancel_gocardless_mandate_setup: "collect_payments",
  connect_saferpay: "manage_credentials",
  saferpay_status: "read",
  list_saferpay_mandates: "read",
  sync_saferpay: "read",
  saferpay_contact_mandates: "read",
  record_saferpay_mandate: "collect_payments",
  get_settlement_mappings: "read",
  set_settlement_mapping: "manage_connections",
  list_organisations: "read",
  connect_xero: "manage_connections",
  keep_organisations: "manage_connections",
  sync_now: "read",
  cancel_sync: "read",
  disconnect_organisation: "manage_connections",
  list_invoices: "read",
  get_invoice: "read",
  open_in_xero: "read",
  list_contacts: "read",
  get_contact: "read",
  list_bank_transactions: "read",
  get_bank_transaction: "read",
} as const satisfies Record<string, Need>;

export type CommandName = keyof typeof COMMANDS;
