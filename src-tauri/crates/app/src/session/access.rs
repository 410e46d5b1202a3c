//! Who may do what: the role each permission needs, and which Okta groups give which role.
//! Pure, so the whole policy is unit-tested; the UI receives its result and never decides.

use xp_ipc::{Permission, Role};

/// The least role that holds a permission (issue 5: viewer reads; accountant also reconciles,
/// posts to Xero and exports; owner also collects payments and manages connections,
/// credentials, AI and sign-in settings).
pub fn required_role(p: Permission) -> Role {
    match p {
        Permission::Read => Role::Viewer,
        Permission::Reconcile | Permission::PostToXero | Permission::Export => Role::Accountant,
        Permission::CollectPayments
        | Permission::ManageConnections
        | Permission::ManageCredentials
        | Permission::ManageAiSettings
        | Permission::ManageSignIn => Role::Owner,
    }
}

pub const ALL_PERMISSIONS: [Permission; 9] = [
    Permission::Read,
    Permission::Reconcile,
    Permission::PostToXero,
    Permission::Export,
    Permission::CollectPayments,
    Permission::ManageConnections,
    Permission::ManageCredentials,
    Permission::ManageAiSettings,
    Permission::ManageSignIn,
];

/// Roles are ordered viewer < accountant < owner; each holds everything below it.
pub fn allows(role: Role, p: Permission) -> bool {
    role >= required_role(p)
}

pub fn permissions(role: Option<Role>) -> Vec<Permission> {
    role.map(|r| ALL_PERMISSIONS.into_iter().filter(|p| allows(r, *p)).collect()).unwrap_or_default()
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Viewer => "viewer",
        Role::Accountant => "accountant",
        Role::Owner => "owner",
    }
}

/// Okta group names per role, from configuration (`[okta.roles]`), pinned in the store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoleMap {
    pub owner: Vec<String>,
    pub accountant: Vec<String>,
    pub viewer: Vec<String>,
}

impl Default for RoleMap {
    fn default() -> Self {
        Self {
            owner: vec!["XP-Owners".into()],
            accountant: vec!["XP-Accountants".into()],
            viewer: vec!["XP-Viewers".into()],
        }
    }
}

impl RoleMap {
    /// The highest role any of the groups gives; None when no group is mapped. Group names
    /// compare exactly: Okta group names are case-sensitive identifiers chosen by the admin,
    /// and a near-miss must not grant a role.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        let has = |names: &[String]| groups.iter().any(|g| names.iter().any(|n| n == g));
        if has(&self.owner) {
            Some(Role::Owner)
        } else if has(&self.accountant) {
            Some(Role::Accountant)
        } else if has(&self.viewer) {
            Some(Role::Viewer)
        } else {
            None
        }
    }

    pub fn groups(&self, role: Role) -> &[String] {
        match role {
            Role::Owner => &self.owner,
            Role::Accountant => &self.accountant,
            Role::Viewer => &self.viewer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_holds_exactly_its_permissions() {
        use Permission::*;
        assert_eq!(permissions(Some(Role::Viewer)), vec![Read]);
        assert_eq!(permissions(Some(Role::Accountant)), vec![Read, Reconcile, PostToXero, Export]);
        assert_eq!(permissions(Some(Role::Owner)), ALL_PERMISSIONS.to_vec());
        assert!(permissions(None).is_empty(), "no role, no permission");
        assert!(!allows(Role::Viewer, ManageConnections));
        assert!(!allows(Role::Accountant, CollectPayments));
        assert!(!allows(Role::Accountant, ManageSignIn));
    }

    #[test]
    fn the_highest_mapped_group_wins_and_names_match_exactly() {
        let map = RoleMap::default();
        let g = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(map.role_for(&g(&["Everyone", "XP-Viewers"])), Some(Role::Viewer));
        assert_eq!(map.role_for(&g(&["XP-Viewers", "XP-Owners"])), Some(Role::Owner));
        assert_eq!(map.role_for(&g(&["XP-Accountants", "XP-Viewers"])), Some(Role::Accountant));
        assert_eq!(map.role_for(&g(&["Everyone"])), None);
        assert_eq!(map.role_for(&g(&["xp-owners", "XP-Owners "])), None, "no case folding or trimming");
        assert_eq!(map.role_for(&[]), None);
    }
}
