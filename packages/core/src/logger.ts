// Logging is a port. Billkit logs ids and outcomes, never card data or secrets.

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function silentLogger(): Logger {
  const nothing = () => {};
  return { debug: nothing, info: nothing, warn: nothing, error: nothing };
}

export function consoleLogger(): Logger {
  return {
    debug: (message, fields) => console.debug(`[billkit] ${message}`, fields ?? ''),
    info: (message, fields) => console.info(`[billkit] ${message}`, fields ?? ''),
    warn: (message, fields) => console.warn(`[billkit] ${message}`, fields ?? ''),
    error: (message, fields) => console.error(`[billkit] ${message}`, fields ?? ''),
  };
}
