import type { Platform } from '@siyu/contracts';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import type { PlatformExport } from './platform-export';
import { TMALL_EXPORT } from './tmall.mapping';

/** The platforms whose order exports can be imported; one mapping file each. */
const EXPORTS: Partial<Record<Platform, PlatformExport>> = {
  tmall: TMALL_EXPORT,
};

export function platformExportFor(platform: Platform): PlatformExport {
  const mapping = EXPORTS[platform];
  if (!mapping) {
    const supported = Object.keys(EXPORTS).join(', ');
    throw new ImportsError(
      ImportsErrorCode.PLATFORM_NOT_SUPPORTED,
      `order exports of ${platform} cannot be imported yet (supported: ${supported})`,
    );
  }
  return mapping;
}
