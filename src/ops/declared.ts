// What a Terraform state declares in the access model: the grants and memberships of its
// resources (read through the factories' declarations, so no type is special-cased) and the
// groups it manages, i.e. creates or imports (a group only looked up by a data source is not).
import type { Grant, Membership, ObjectRef, PrincipalRef } from '../access/model';
import { declaredAccessOf } from '../access/resources';
import type { ShownResource } from './terraform';
import { resourceDefinition, vendorOfType } from './vendors';

export interface VendorDeclarations {
  /** By grantKey. */
  grants: Map<string, { address: string; grant: Grant }>;
  /** By membershipKey. */
  memberships: Map<string, { address: string; membership: Membership }>;
  /** Group id → the address of the resource that manages it. */
  managedGroups: Map<string, string>;
}

export const principalKey = (principal: PrincipalRef): string => `${principal.kind}:${principal.id}`;
export const objectKey = (object: ObjectRef): string => `${object.kind}:${object.id}`;
/** One grant per principal and object: the level is what may drift, not who holds it. */
export const grantKey = (grant: Pick<Grant, 'object' | 'principal'>): string => `${objectKey(grant.object)}|${principalKey(grant.principal)}`;
export const membershipKey = (membership: Pick<Membership, 'group' | 'member'>): string => `${principalKey(membership.group)}|${principalKey(membership.member)}`;

/** The declarations of each vendor found in the resources, by vendor name. */
export function declarationsOf(resources: ShownResource[]): Map<string, VendorDeclarations> {
  const byVendor = new Map<string, VendorDeclarations>();
  const of = (vendor: string) => {
    let declarations = byVendor.get(vendor);
    if (!declarations) byVendor.set(vendor, (declarations = { grants: new Map(), memberships: new Map(), managedGroups: new Map() }));
    return declarations;
  };
  for (const resource of resources) {
    const vendor = vendorOfType(resource.type);
    const definition = resourceDefinition(resource.type);
    if (!vendor || !definition) continue;
    const declared = declaredAccessOf(definition);
    if (declared?.shape === 'grant') {
      const grant = declared.declares(resource.values);
      of(vendor.name).grants.set(grantKey(grant), { address: resource.address, grant });
    } else if (declared?.shape === 'membership') {
      const membership = declared.declares(resource.values);
      of(vendor.name).memberships.set(membershipKey(membership), { address: resource.address, membership });
    } else if (vendor.principalResources?.group?.typeName === resource.type && typeof resource.values.id === 'string') {
      of(vendor.name).managedGroups.set(resource.values.id, resource.address);
    }
  }
  return byVendor;
}
