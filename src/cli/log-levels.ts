/** LOG_LEVELS are pino's levels, as --log-level accepts them (apart from log.ts, so declaring the flag does not load pino). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
