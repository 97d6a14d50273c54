/**
 * Real photographs with measured depth, for the depth benchmark. Nothing here was made by this project: the
 * pictures and their depth come from stereo benchmarks (structured-light ground truth) and RGB-D cameras.
 * None of it is stored in the repository (the licences are research-use or attribution licences, and the
 * set is several MB); `npx tsx bench/depth-photos.ts` gathers it into PHOTO_DIR:
 *  - Debian packages (any machine with the Debian archive): `apt-get download` of opencv-doc (Middlebury
 *    "Aloe") and python3-skimage (Middlebury 2014 "Motorcycle"); an installed copy is used when present;
 *  - public git repositories at pinned commits (Middlebury 2003 "Cones"/"Teddy" in
 *    beaupreda/semi-global-matching; the NYU Depth v2, SUN RGB-D and TUM RGB-D samples that Open3D shipped in
 *    examples/test_data until 2022), read with `git show` from a clone or mirror (see repoDirs()).
 * Each entry becomes `<name>.<ext>` (the photograph, bytes untouched, except a PPM re-encoded as lossless PNG) plus `<name>.near.f32` (true nearness
 * per pixel as little-endian float32: disparity, or 1/depth in 1/m; NaN where the source has no
 * measurement) and one `manifest.json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import sharp from 'sharp';
import { gitShow as gitShowPinned } from './pinned-repo';

export const PHOTO_DIR = process.env.STILLMOTION_DEPTH_PHOTOS ?? path.join(os.homedir(), '.cache', 'stillmotion', 'depth-photos');

/** Tuning half (the estimator's constants were chosen looking at these) and held-out half (never tuned on). */
export type Split = 'tune' | 'held-out';

export interface PhotoEntry {
  name: string;
  kind: string;
  split: Split;
  image: string;
  near: string;
  width: number;
  height: number;
  truth: string;
  source: string;
  licence: string;
}

export interface RealPhoto extends PhotoEntry {
  imagePath: string;
  /** True nearness (larger = nearer), NaN where unknown. */
  nearness: Float32Array;
}

type Decoder = (bytes: Buffer) => Promise<{ data: Float32Array; width: number; height: number }>;

interface Spec {
  name: string;
  kind: string;
  split: Split;
  from: { deb: string; dir: string } | { repo: string; commit: string; dir: string };
  image: string;
  truthFile: string;
  decode: Decoder;
  truth: string;
  source: string;
  licence: string;
}

const grey = async (bytes: Buffer, depth: 'uchar' | 'ushort'): Promise<{ v: ArrayLike<number>; width: number; height: number }> => {
  const img = sharp(bytes).extractChannel(0);
  const { data, info } = await (depth === 'ushort' ? img.toColourspace('grey16') : img).raw({ depth }).toBuffer({ resolveWithObject: true });
  const v = depth === 'ushort' ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
  return { v, width: info.width, height: info.height };
};

/** Middlebury 8-bit disparity PNG: value = disparity * scale, 0 = unknown. */
const middleburyPng =
  (scale: number): Decoder =>
  async (bytes) => {
    const { v, width, height } = await grey(bytes, 'uchar');
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = v[i]! > 0 ? v[i]! / scale : NaN;
    return { data, width, height };
  };

/** 16-bit depth PNG in `unit` per metre (0 = unknown), optionally with SUN RGB-D's 3-bit rotation; nearness = 1/depth. */
const depthPng =
  (unitsPerMetre: number, sunRotate = false): Decoder =>
  async (bytes) => {
    const { v, width, height } = await grey(bytes, 'ushort');
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) {
      const raw = sunRotate ? ((v[i]! >> 3) | (v[i]! << 13)) & 0xffff : v[i]!;
      data[i] = raw > 0 ? unitsPerMetre / raw : NaN;
    }
    return { data, width, height };
  };

/**
 * NYU Depth v2 raw Kinect frame: binary PGM holding 16-bit values in little-endian order (not the PGM standard's
 * big-endian: Open3D wrote it and byte-swaps on reading; big-endian reading gives 97% invalid values). The NYU
 * toolbox's depth is 351.3 / (1092.5 - raw) metres (Open3D's CreateFromNYUFormat). The raw frame is in the depth
 * camera's view, so it is registered to the colour camera with the toolbox's calibration (camera_params.m:
 * intrinsics of both cameras and the 2.5 cm baseline; its rotation is within 0.3 degrees of identity and lens
 * distortion is ignored), keeping the nearest surface where points land on the same pixel.
 */
const nyuPgm: Decoder = async (bytes) => {
  const head = bytes.subarray(0, 64).toString('latin1');
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(head);
  if (!m) throw new Error('NYU depth: not a binary PGM');
  const width = Number(m[1]);
  const height = Number(m[2]);
  const off = m[0].length;
  const [fxD, fyD, cxD, cyD] = [582.62448167737955, 582.69103270988637, 313.04475870804731, 238.44389626620386];
  const [fxC, fyC, cxC, cyC] = [518.85790117450188, 519.46961112127485, 325.58244941119034, 253.73616633400465];
  const baseline = 0.025031875059141302;
  const data = new Float32Array(width * height).fill(NaN);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const raw = bytes.readUInt16LE(off + (v * width + u) * 2);
      if (!(raw > 0 && raw < 1092.5)) continue;
      const z = 351.3 / (1092.5 - raw);
      // The toolbox's pixel coordinates are 1-based.
      const x = ((u + 1 - cxD) * z) / fxD - baseline;
      const y = ((v + 1 - cyD) * z) / fyD;
      const uc = Math.round((fxC * x) / z + cxC - 1);
      const vc = Math.round((fyC * y) / z + cyC - 1);
      if (uc < 0 || uc >= width || vc < 0 || vc >= height) continue;
      const k = vc * width + uc;
      if (!(data[k]! >= 1 / z)) data[k] = 1 / z;
    }
  }
  return { data, width, height };
};

/** NumPy .npz (zip) holding one float32 array: Middlebury 2014 disparity, inf/NaN = unknown. */
const npzDisparity: Decoder = async (bytes) => {
  if (bytes.readUInt32LE(0) !== 0x04034b50) throw new Error('npz: not a zip file');
  const method = bytes.readUInt16LE(8);
  const compressed = bytes.readUInt32LE(18);
  const nameLen = bytes.readUInt16LE(26);
  const extraLen = bytes.readUInt16LE(28);
  const start = 30 + nameLen + extraLen;
  const body = bytes.subarray(start, start + compressed);
  const npy = method === 8 ? inflateRawSync(body) : body;
  const headerLen = npy.readUInt16LE(8);
  const header = npy.subarray(10, 10 + headerLen).toString('latin1');
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True")) throw new Error(`npz: unsupported array ${header}`);
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
  if (!shape) throw new Error(`npz: expected a 2-D array, got ${header}`);
  const height = Number(shape[1]);
  const width = Number(shape[2]);
  const raw = npy.subarray(10 + headerLen);
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const d = raw.readFloatLE(i * 4);
    data[i] = Number.isFinite(d) && d > 0 ? d : NaN;
  }
  return { data, width, height };
};

const OPEN3D = { repo: 'isl-org/Open3D', commit: '1884cf299d8f7a4adec219d8eb13e7692ffd4a0c', dir: 'examples/test_data/RGBD/other_formats' };
const SGM = { repo: 'beaupreda/semi-global-matching', commit: '6643cf4b6a5ab197aace8b766c6ab139e281ae8e' };
const MIDDLEBURY_TERMS = 'Middlebury stereo data: free for research use, cite the dataset paper';

const SPECS: Spec[] = [
  {
    name: 'aloe',
    kind: 'object (plant) before a backdrop',
    split: 'tune',
    from: { deb: 'opencv-doc', dir: '/usr/share/doc/opencv-doc/examples/data' },
    image: 'aloeL.jpg',
    truthFile: 'aloeGT.png',
    decode: middleburyPng(1),
    truth: 'structured-light disparity (Middlebury 2006)',
    source: "Middlebury 2006 'Aloe' (Hirschmüller & Scharstein, CVPR 2007), as shipped in Debian opencv-doc",
    licence: MIDDLEBURY_TERMS,
  },
  {
    name: 'teddy',
    kind: 'objects on shelves, close up',
    split: 'tune',
    from: { ...SGM, dir: 'teddy' },
    image: 'im2.png',
    truthFile: 'disp2.png',
    decode: middleburyPng(4),
    truth: 'structured-light disparity (Middlebury 2003)',
    source: "Middlebury 2003 'Teddy' (Scharstein & Szeliski, CVPR 2003), via github:beaupreda/semi-global-matching",
    licence: MIDDLEBURY_TERMS,
  },
  {
    name: 'sun-rgbd',
    kind: 'indoor room',
    split: 'tune',
    from: OPEN3D,
    image: 'SUN_color.jpg',
    truthFile: 'SUN_depth.png',
    decode: depthPng(1000, true),
    truth: 'RGB-D sensor depth',
    source: 'SUN RGB-D sample (Song et al., CVPR 2015), as shipped in Open3D examples/test_data',
    licence: 'SUN RGB-D: research use, cite the dataset papers',
  },
  {
    name: 'cones',
    kind: 'objects before a backdrop, close up',
    split: 'held-out',
    from: { ...SGM, dir: 'cones' },
    image: 'im2.png',
    truthFile: 'disp2.png',
    decode: middleburyPng(4),
    truth: 'structured-light disparity (Middlebury 2003)',
    source: "Middlebury 2003 'Cones' (Scharstein & Szeliski, CVPR 2003), via github:beaupreda/semi-global-matching",
    licence: MIDDLEBURY_TERMS,
  },
  {
    name: 'motorcycle',
    kind: 'object (motorbike) in a workshop',
    split: 'held-out',
    from: { deb: 'python3-skimage', dir: '/usr/lib/python3/dist-packages/skimage/data' },
    image: 'motorcycle_left.png',
    truthFile: 'motorcycle_disp.npz',
    decode: npzDisparity,
    truth: 'structured-light disparity (Middlebury 2014)',
    source: "Middlebury 2014 'Motorcycle' (Scharstein et al., GCPR 2014), as shipped in Debian python3-skimage",
    licence: MIDDLEBURY_TERMS,
  },
  {
    name: 'nyu-v2',
    kind: 'indoor room',
    split: 'held-out',
    from: OPEN3D,
    image: 'NYU_color.ppm',
    truthFile: 'NYU_depth.pgm',
    decode: nyuPgm,
    truth: 'Kinect depth (raw frame, registered to the photo here)',
    source: 'NYU Depth v2 sample (Silberman et al., ECCV 2012), as shipped in Open3D examples/test_data',
    licence: 'NYU Depth v2: research use, cite the dataset paper',
  },
  {
    name: 'tum-rgbd',
    kind: 'indoor desk',
    split: 'held-out',
    from: OPEN3D,
    image: 'TUM_color.png',
    truthFile: 'TUM_depth.png',
    decode: depthPng(5000),
    truth: 'Kinect depth (registered)',
    source: 'TUM RGB-D benchmark sample (Sturm et al., IROS 2012), as shipped in Open3D examples/test_data',
    licence: 'TUM RGB-D: CC BY 4.0',
  },
];

/** A file of a public repository at a pinned commit (see bench/pinned-repo.ts; clones in $STILLMOTION_DEPTH_REPOS). */
export function gitShow(repo: string, commit: string, file: string): Buffer {
  return gitShowPinned(repo, commit, file, 'STILLMOTION_DEPTH_REPOS');
}

function fromDebian(deb: string, dir: string, file: string, work: string): Buffer {
  const installed = path.join(dir, file);
  if (existsSync(installed)) return execFileSync('cat', [installed], { maxBuffer: 64 << 20 });
  const debDir = path.join(work, deb);
  if (!existsSync(debDir)) {
    execFileSync('mkdir', ['-p', debDir]);
    try {
      execFileSync('apt-get', ['download', deb], { cwd: debDir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      throw new Error(`apt-get download ${deb} failed (${String((err as Error).message).split('\n')[0]}); install it (apt-get install ${deb}) and run again`);
    }
  }
  const pkg = execFileSync('ls', [debDir]).toString().split('\n').find((f) => f.endsWith('.deb'));
  if (!pkg) throw new Error(`no .deb for ${deb} in ${debDir}`);
  const tar = execFileSync('dpkg-deb', ['--fsys-tarfile', path.join(debDir, pkg)], { maxBuffer: 1 << 30 });
  return execFileSync('tar', ['-xO', `.${installed}`], { input: tar, maxBuffer: 64 << 20 });
}

/** sharp's bundled libvips reads no PPM: a binary 8-bit PPM (NYU's colour frame) becomes a lossless PNG. */
async function asSharpReadable(bytes: Buffer): Promise<Buffer> {
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!m) return bytes;
  const width = Number(m[1]);
  const height = Number(m[2]);
  const rgb = bytes.subarray(m[0].length, m[0].length + width * height * 3);
  return sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Gathers the set into `dir` (idempotent; written to a temp folder, then renamed into place). */
export async function gatherPhotos(dir = PHOTO_DIR): Promise<PhotoEntry[]> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-depth-photos-'));
  const stage = `${dir}.partial-${process.pid}`;
  await fs.rm(stage, { recursive: true, force: true });
  await fs.mkdir(stage, { recursive: true });
  const entries: PhotoEntry[] = [];
  try {
    for (const s of SPECS) {
      const read = (file: string): Buffer =>
        'deb' in s.from ? fromDebian(s.from.deb, s.from.dir, file, work) : gitShow(s.from.repo, s.from.commit, `${s.from.dir}/${file}`);
      const imageBytes = await asSharpReadable(read(s.image));
      const truth = await s.decode(read(s.truthFile));
      const meta = await sharp(imageBytes).metadata();
      if (meta.width !== truth.width || meta.height !== truth.height) {
        throw new Error(`${s.name}: photo ${meta.width}x${meta.height} and depth ${truth.width}x${truth.height} differ`);
      }
      const image = `${s.name}${path.extname(s.image) === '.ppm' ? '.png' : path.extname(s.image)}`;
      const near = `${s.name}.near.f32`;
      await fs.writeFile(path.join(stage, image), imageBytes);
      await fs.writeFile(path.join(stage, near), Buffer.from(truth.data.buffer, truth.data.byteOffset, truth.data.byteLength));
      entries.push({ name: s.name, kind: s.kind, split: s.split, image, near, width: truth.width, height: truth.height, truth: s.truth, source: s.source, licence: s.licence });
    }
    await fs.writeFile(path.join(stage, 'manifest.json'), JSON.stringify(entries, null, 2));
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await fs.rename(stage, dir);
    return entries;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
    await fs.rm(stage, { recursive: true, force: true });
  }
}

export const HOW_TO_GET = `run \`npx tsx bench/depth-photos.ts\` (uses apt-get download and git clones/mirrors; see bench/depth-photos.ts), or set STILLMOTION_DEPTH_PHOTOS to a folder it filled`;

/** Loads the gathered set; throws a message saying how to get it when it is missing. */
export async function loadPhotos(dir = PHOTO_DIR): Promise<RealPhoto[]> {
  let entries: PhotoEntry[];
  try {
    entries = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as PhotoEntry[];
  } catch {
    throw new Error(`real photographs with measured depth not found in ${dir}: ${HOW_TO_GET}`);
  }
  return Promise.all(
    entries.map(async (e) => {
      const buf = await fs.readFile(path.join(dir, e.near));
      const nearness = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      if (nearness.length !== e.width * e.height) throw new Error(`${path.join(dir, e.near)}: expected ${e.width}x${e.height} values`);
      return { ...e, imagePath: path.join(dir, e.image), nearness };
    }),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entries = await gatherPhotos();
  console.log(`${entries.length} photographs with measured depth in ${PHOTO_DIR}:`);
  for (const e of entries) console.log(`  ${e.name.padEnd(11)} ${e.width}x${e.height}  ${e.split.padEnd(8)}  ${e.truth}; ${e.licence}`);
}
