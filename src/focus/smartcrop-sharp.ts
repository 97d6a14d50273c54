/**
 * A small sharp-backed `imageOperations` adapter for smartcrop 2 (smartcrop-sharp does not work with our sharp),
 * plus `smartcropAnalysis`: smartcrop's own per-pixel feature maps (skin, detail/edges, saturation).
 */
import sharp from 'sharp';
import smartcropLib from 'smartcrop';
import type { RgbImage } from '../depth/image-io';

interface ScImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

interface ImgData {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

interface SmartcropInternals {
  crop(image: unknown, options: Record<string, unknown>): Promise<{ topCrop: { x: number; y: number; width: number; height: number }; debugOutput?: ImgData }>;
  ImgData: new (w: number, h: number, data?: ArrayLike<number>) => ImgData;
}

const smartcrop = smartcropLib as unknown as SmartcropInternals;

/** smartcrop imageOperations working on decoded RGB held in memory, resized with sharp. */
function sharpImageOperations() {
  return {
    open: async (image: RgbImage): Promise<ScImage> => ({ width: image.width, height: image.height, rgb: image.rgb }),
    resample: async (image: ScImage | Promise<ScImage>, width: number, height: number): Promise<ScImage> => {
      const img = await image;
      const w = Math.max(1, Math.floor(width));
      const h = Math.max(1, Math.floor(height));
      const buf = await sharp(img.rgb, { raw: { width: img.width, height: img.height, channels: 3 } })
        .resize(w, h, { fit: 'fill' })
        .raw()
        .toBuffer();
      return { width: w, height: h, rgb: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
    },
    getData: async (image: ScImage | Promise<ScImage>): Promise<ImgData> => {
      const img = await image;
      const n = img.width * img.height;
      const rgba = new Uint8ClampedArray(n * 4);
      for (let i = 0; i < n; i++) {
        rgba[i * 4] = img.rgb[i * 3]!;
        rgba[i * 4 + 1] = img.rgb[i * 3 + 1]!;
        rgba[i * 4 + 2] = img.rgb[i * 3 + 2]!;
        rgba[i * 4 + 3] = 255;
      }
      return new smartcrop.ImgData(img.width, img.height, rgba);
    },
  };
}

export interface SmartcropMaps {
  width: number;
  height: number;
  /** 0..1 planes at the analysed size. */
  skin: Float32Array;
  detail: Float32Array;
  saturation: Float32Array;
  /** smartcrop's best square crop, in the analysed image's pixels. */
  topCrop: { x: number; y: number; width: number; height: number };
}

/** Runs smartcrop's analysis on an RGB image (<= ~256 px recommended) and returns its feature maps. */
export async function smartcropAnalysis(img: RgbImage): Promise<SmartcropMaps> {
  const side = Math.min(img.width, img.height);
  const res = await smartcrop.crop(img, {
    width: side,
    height: side,
    prescale: false,
    debug: true,
    ruleOfThirds: false,
    imageOperations: sharpImageOperations(),
  });
  const out = res.debugOutput!;
  const n = out.width * out.height;
  const skin = new Float32Array(n);
  const detail = new Float32Array(n);
  const saturation = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    skin[i] = out.data[i * 4]! / 255;
    detail[i] = out.data[i * 4 + 1]! / 255;
    saturation[i] = out.data[i * 4 + 2]! / 255;
  }
  return { width: out.width, height: out.height, skin, detail, saturation, topCrop: res.topCrop };
}
