import type { Logger } from '@cjo/log';
import { logLevel, type logCreator } from 'kafkajs';

/**
 * Routes kafkajs's own log lines into the service's pino logger. kafkajs logs every
 * error response a request gets (a rebalance, a leader moving) at error level under
 * "Connection" although it retries them or hands them to the bus, which reports real
 * failures itself; those go to debug, and nothing from kafkajs is louder than warn.
 */
export function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR && namespace === 'Connection') {
        logger.debug(fields, message);
      } else if (level === logLevel.ERROR || level === logLevel.WARN) {
        logger.warn(fields, message);
      } else if (level === logLevel.INFO) {
        logger.info(fields, message);
      } else {
        logger.debug(fields, message);
      }
    };
}
