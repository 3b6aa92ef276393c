import type { Platform } from '@siyu/contracts';
import { normaliseHeader } from './cell-values';
import { DOUYIN_LAYOUT } from './platforms/douyin/douyin.mapping';
import { ExportColumns } from './export-columns';
import { exportFromLayout, type ExportLayout } from './export-layout';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import { JD_LAYOUT } from './platforms/jd/jd.mapping';
import { KUAISHOU_LAYOUT } from './platforms/kuaishou/kuaishou.mapping';
import { applyMappingFile, type ExportMappingFile } from './mapping-file';
import { PINDUODUO_LAYOUT } from './platforms/pinduoduo/pinduoduo.mapping';
import type { PlatformExport } from './platform-export';
import { TMALL_LAYOUT } from './platforms/tmall/tmall.mapping';
import { YOUZAN_LAYOUT } from './platforms/youzan/youzan.mapping';

/** The platforms whose order exports can be imported; one layout file each. */
const LAYOUTS: Record<Platform, ExportLayout> = {
  tmall: TMALL_LAYOUT,
  jd: JD_LAYOUT,
  douyin: DOUYIN_LAYOUT,
  kuaishou: KUAISHOU_LAYOUT,
  pinduoduo: PINDUODUO_LAYOUT,
  youzan: YOUZAN_LAYOUT,
};
const EXPORTS = Object.fromEntries(
  Object.entries(LAYOUTS).map(([p, layout]) => [p, exportFromLayout(layout)]),
) as Record<Platform, PlatformExport>;

export function platformExportFor(platform: Platform, mappingFile?: ExportMappingFile): PlatformExport {
  const layout = LAYOUTS[platform];
  if (!layout) {
    throw new ImportsError(
      ImportsErrorCode.PLATFORM_NOT_SUPPORTED,
      `order exports of ${platform} cannot be imported (supported: ${Object.keys(LAYOUTS).join(', ')})`,
    );
  }
  return mappingFile ? exportFromLayout(applyMappingFile(layout, mappingFile)) : EXPORTS[platform];
}

/**
 * Lines the header up with the named platform's export. A header that carries more of another
 * platform's own columns is refused as that platform's file (issue §9, wrong platform); with a
 * mapping file the operator has said what the columns are, so only missing columns refuse it.
 */
export function planExportColumns(
  rawHeader: string[],
  platform: Platform,
  mappingFile?: ExportMappingFile,
): { mapping: PlatformExport; columns: ExportColumns } {
  const mapping = platformExportFor(platform, mappingFile);
  if (!mappingFile) {
    const headers = new Set(rawHeader.map(normaliseHeader));
    const score = (e: PlatformExport) => e.signatureColumns.filter((c) => headers.has(c)).length;
    const own = score(mapping);
    const [best] = Object.values(EXPORTS)
      .filter((e) => e.platform !== platform && score(e) > own && satisfies(e, headers))
      .sort((a, b) => score(b) - score(a));
    if (best) {
      throw new ImportsError(
        ImportsErrorCode.WRONG_PLATFORM,
        `this looks like a ${best.label} (${best.platform}), not a ${mapping.label}: its columns match ${best.platform}; import it with platform ${best.platform}`,
        { likelyPlatform: best.platform },
      );
    }
  }
  return { mapping, columns: ExportColumns.plan(rawHeader, mapping) };
}

function satisfies(e: PlatformExport, headers: Set<string>): boolean {
  return e.requiredColumns.every((group) => group.some((c) => headers.has(c)));
}
