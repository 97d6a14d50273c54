/**
 * Depth layers sized per format. Layers are built once per render, as wide as the widest format
 * draws them (layer-widths.ts); a format that draws them smaller gets copies downscaled once with
 * sharp (Lanczos, alpha premultiplied), as images are pre-scaled per format, so no frame resamples
 * a layer down. Cached by content hash and size. Only the pictures change: the layer sets'
 * geometry (image size, overscan) stays that of the manifest, so every format lays out the same
 * and the drawers size each picture to its element, whatever its pixel size.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { contentHash } from '../cache/content-hash';
import { produceAtomic } from '../fs/atomic-write';
import type { FormatId } from '../plan/formats';
import type { LoadedPlan } from '../plan/load-plan';
import { neededLayerWidths } from './layer-widths';
import { KEEP_TOLERANCE } from './prescale-images';
import type { PreparedAssets } from './prepared-assets';

const FORMAT_LAYERS_VERSION = 'format-layer-v1';

/** Pixel size of a layer picture when the image area is drawn `needed` px wide (null: keep the built one). */
export function formatLayerSize(built: { width: number; layerWidth: number; layerHeight: number }, needed: number): { width: number; height: number } | null {
  const f = needed / built.width;
  if (f >= 1 - KEEP_TOLERANCE) return null;
  return { width: Math.max(2, Math.round(built.layerWidth * f)), height: Math.max(2, Math.round(built.layerHeight * f)) };
}

/**
 * The layer pictures this format should draw: built file (absolute) -> file at this format's size,
 * for every layer set this format draws smaller than it was built.
 */
export async function formatLayerFiles(loaded: LoadedPlan, assets: PreparedAssets | undefined, format: FormatId, scale: number, cacheDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!assets || !Object.keys(assets.layers).length) return out;
  const needed = neededLayerWidths(loaded, assets, Object.keys(assets.layers), [format], scale);
  for (const [ref, width] of needed) {
    const m = assets.layers[ref]!;
    const size = formatLayerSize(m, width);
    if (!size) continue;
    for (const layer of m.layers) {
      const src = path.resolve(m.dir, layer.file);
      out.set(src, await downscaledLayer(src, size, layer.opaque, cacheDir));
    }
  }
  return out;
}

async function downscaledLayer(src: string, size: { width: number; height: number }, opaque: boolean, cacheDir: string): Promise<string> {
  const bytes = await fs.readFile(src);
  const file = path.join(cacheDir, 'images', `${contentHash(FORMAT_LAYERS_VERSION, bytes, size.width, size.height, opaque)}.png`);
  if (await fs.stat(file).catch(() => null)) return file;
  await produceAtomic(file, async (tmp) => {
    // sharp premultiplies alpha around the resize: no dark or bright fringes at layer edges.
    let pipeline = sharp(bytes, { failOn: 'error' }).resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
    // The background stays exactly opaque (Lanczos could leave 254 at its edges), so it is drawn without blending.
    if (opaque) pipeline = pipeline.removeAlpha();
    await pipeline.png({ compressionLevel: 2 }).toFile(tmp);
  });
  return file;
}
