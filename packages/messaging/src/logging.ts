/** The few log calls messaging makes; a pino logger fits. Never given personal data: only ids and types. */
export interface MessagingLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: MessagingLogger = { info() {}, warn() {}, error() {} };
