// Installing the biaccess provider where Terraform finds it without a registry.
export {
  DEFAULT_PROVIDER_ENTRY,
  INSTALLED_BUNDLE_NAME,
  PROVIDER_ADDRESS,
  bundleWrapperScript,
  installProvider,
  providerWrapperScript,
  terraformPlatform,
  type InstallOptions,
  type InstallResult,
} from './install-provider';
export { mergeProviderLock, renderProviderLock, type ProviderLock } from './lock-file';
export { packageHashV1 } from './package-hash';
