/** `stillmotion focus <image>`: the subject's focal point as JSON, and (--out) a PNG with the format crops drawn. */
import type { Command } from 'commander';
import { loadImage } from '../../depth/image-io';
import { writeFileAtomic } from '../../fs/atomic-write';
import { detectFocus } from '../../focus/detect';
import { drawFocus } from '../../focus/draw';
import { warn } from '../output';

export function register(program: Command): void {
  program
    .command('focus')
    .description('Find the subject of an image: focal point {x, y} (0..1), subject box, and 16:9 / 9:16 / 1:1 crops')
    .argument('<image>', 'image file')
    .option('--out <file.png>', 'also write the image with the subject and the three crops drawn on it')
    .action(async (image: string, o: { out?: string }) => {
      const r = await detectFocus(image);
      for (const w of r.warnings) warn(w);
      if (o.out) {
        const img = await loadImage(image, { maxSide: 1280, quiet: true });
        await writeFileAtomic(o.out, await drawFocus(img, r));
      }
      const { warnings: _w, ...json } = r;
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    });
}
