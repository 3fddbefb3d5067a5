// CDKTF constructs for the biaccess provider.
export { BiAccessProvider, type BiAccessProviderProps } from './provider';
export { BiAccessDataSource, BiAccessResource, type AttributeNames } from './base';
// The provider block types (BiAccessProviderConfig, RedashProviderBlock, …) and one namespace per vendor.
export * from './generated';
