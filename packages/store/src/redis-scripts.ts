/**
 * The Lua scripts of the Redis store. Each runs atomically on the server, so a change is made whole or
 * not at all, whatever happens to the connection.
 */

/** Frees a lock only if it still holds this holder's token (never someone else's). KEYS[1] lock, ARGV[1] token. */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** Extends a lock's lease only if it still holds this holder's token. KEYS[1] lock, ARGV[1] token, ARGV[2] ttl ms. */
export const RENEW_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/**
 * Compare-and-set on the stored text. KEYS[1] the key; ARGV[1] "1" when a value was seen, "0" when the
 * key was absent; ARGV[2] the text seen; ARGV[3] "1" to write, "0" to delete; ARGV[4] the new text;
 * ARGV[5] the TTL in ms, "0" for none. Returns 1 when it wrote, 0 when the key changed since it was read.
 */
export const COMPARE_AND_SET_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] ~= '0' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1`;

/**
 * Adds to the fields of a counter hash and sets its expiry, in one step. KEYS[1] the hash; ARGV[1]
 * the TTL in ms, "0" to keep the expiry; then pairs of field and increment. Returns the whole hash
 * afterwards as a flat field/value list (`HGETALL`).
 */
export const INCREMENT_FIELDS_SCRIPT = `
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
if ARGV[1] ~= '0' then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return redis.call('HGETALL', KEYS[1])`;

/**
 * Pushes values at the head of a list and keeps the newest ones. KEYS[1] the list; ARGV[1] the cap;
 * ARGV[2..] the values, oldest first. One LPUSH per value: `unpack` of a long batch would overflow Lua's stack.
 */
export const PUSH_CAPPED_SCRIPT = `
for i = 2, #ARGV do
  redis.call('LPUSH', KEYS[1], ARGV[i])
end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
return 1`;
