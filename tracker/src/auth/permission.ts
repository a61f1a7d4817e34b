import { invalid } from '../errors.ts';

/** MLflow's basic-auth permission names. */
export const PERMISSION_NAMES = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] as const;

/** A permission on an experiment or a registered model. */
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/** What a permission allows: MLflow's `can_read`, `can_update`, `can_delete`, `can_manage`. */
export type Ability = 'read' | 'update' | 'delete' | 'manage';

const ALLOWS: Record<PermissionName, readonly Ability[]> = {
  READ: ['read'],
  EDIT: ['read', 'update'],
  MANAGE: ['read', 'update', 'delete', 'manage'],
  NO_PERMISSIONS: [],
};

/** Whether `permission` allows `ability` (as MLflow's `Permission` dataclasses have it). */
export function allows(permission: PermissionName, ability: Ability): boolean {
  return ALLOWS[permission].includes(ability);
}

/** `text` as a permission name; INVALID_PARAMETER_VALUE worded as MLflow's otherwise. */
export function parsePermission(text: unknown): PermissionName {
  if (typeof text === 'string' && (PERMISSION_NAMES as readonly string[]).includes(text)) return text as PermissionName;
  throw invalid(
    `Invalid permission '${String(text).slice(0, 100)}'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')`,
  );
}
