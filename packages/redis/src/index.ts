export type {
  RedisLimitStore,
  RedisLimitStoreOptions,
  RedisLimitStoreStats,
} from './create-redis-limit-store.js'
export { createRedisLimitStore } from './create-redis-limit-store.js'
