// CDKTF constructs for the biaccess provider.
export { BiAccessProvider, type BiAccessProviderProps } from './provider';
export { BiAccessDataSource, BiAccessResource, type AttributeNames } from './base';
// The provider block types (BiAccessProviderConfig, RedashProviderBlock, …) and one namespace per vendor.
export * from './generated';
// One access declaration for every vendor.
export { AccessPolicy, AccessObject, Person, Team, type AccessPolicyProps, type PersonOptions, type TeamOptions, type SisenseDashboardOptions } from './policy/access-policy';
export { POLICY_LEVELS, OBJECT_MAPPINGS, mappingTable, type PolicyLevel, type PolicyVendor, type PolicyObjectKind } from '../src/access/policy-levels';
export type { MatrixEntry } from './policy/matrix';
