// Access control: restricted collections, views, credentials. Wiring: withAccess(config, getter).
export { AccessConfigError, loadAccessConfig, parseAccessConfig, type Access as CollectionAccess, type AccessConfig, type ViewConfig } from './config.js';
export { accessStorage, assertVisible, currentCaller, type Caller } from './context.js';
export { Authenticator } from './credentials.js';
export { createKey, hashSecret, listKeys, revokeKey, rotateKey, setPassword, verifySecret, type KeyRecord } from './keys.js';
export { accessMiddleware, withAccess, type Access, type AccessOptions } from './middleware.js';
export { AccessPolicy, CatalogScoper, scopedCatalog } from './scope.js';
export { registerAccessCommands } from './cli.js';
export { ClusterStore, serveClusterRateLimits } from './cluster-store.js';
