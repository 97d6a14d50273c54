/**
 * Tier 2, WebGL mode: per-pixel parallax. Every pixel moves by its own depth (from the depth map)
 * instead of by layer, between the far and near transforms of its frame description (the same
 * movement rules as the CSS layers: `transformForNearness`).
 * The inverse displacement is solved with a few fixed-point steps, and samples are clamped to
 * the image, so no hole or edge can show. Needs WebGL: the renderer uses the software GL
 * ('swangle') for plans that ask for it.
 */
import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { cancelRender, continueRender, delayRender, useVideoConfig } from 'remotion';
import type { DepthDisplacementItem } from '../../src/frame/frame-description';
import type { Crop } from '../../src/timeline/camera';

const VERTEX = `
attribute vec2 aPos;
varying vec2 vUv;
void main() {
  vUv = vec2(aPos.x * 0.5 + 0.5, 0.5 - aPos.y * 0.5);
  gl_Position = vec4(aPos, 0.0, 1.0);
}`;

const FRAGMENT = `
precision highp float;
uniform sampler2D uImage;
uniform sampler2D uDepth;
uniform vec4 uCrop;
uniform vec2 uShift0;
uniform vec2 uShift1;
uniform float uScale0;
uniform float uScale1;
uniform vec2 uOrigin;
varying vec2 vUv;
vec2 displaced(vec2 s, float d) {
  return mix(uShift0, uShift1, d) + (s - uOrigin) * (mix(uScale0, uScale1, d) - 1.0);
}
void main() {
  vec2 uv = uCrop.xy + vUv * uCrop.zw;
  vec2 s = uv;
  for (int i = 0; i < 5; i++) {
    float d = texture2D(uDepth, clamp(s, 0.0, 1.0)).r;
    s = uv - displaced(s, d);
  }
  gl_FragColor = texture2D(uImage, clamp(s, 0.0, 1.0));
}`;

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.crossOrigin = 'anonymous';
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`cannot load ${src}`));
    img.src = src;
  });
}

interface GlState {
  gl: WebGLRenderingContext;
  program: WebGLProgram;
}

function setup(canvas: HTMLCanvasElement, image: HTMLImageElement, depth: HTMLImageElement): GlState {
  const gl = canvas.getContext('webgl', { preserveDrawingBuffer: true, antialias: false });
  if (!gl) throw new Error('WebGL is not available: render with gl "swangle" (Stillmotion does this for parallax mode "webgl")');
  const compile = (type: number, src: string): WebGLShader => {
    const sh = gl.createShader(type)!;
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(sh)}`);
    return sh;
  };
  const program = gl.createProgram()!;
  gl.attachShader(program, compile(gl.VERTEX_SHADER, VERTEX));
  gl.attachShader(program, compile(gl.FRAGMENT_SHADER, FRAGMENT));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`program: ${gl.getProgramInfoLog(program)}`);
  gl.useProgram(program);
  const buf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buf);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const loc = gl.getAttribLocation(program, 'aPos');
  gl.enableVertexAttribArray(loc);
  gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
  [image, depth].forEach((img, unit) => {
    const tex = gl.createTexture();
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, img);
  });
  gl.uniform1i(gl.getUniformLocation(program, 'uImage'), 0);
  gl.uniform1i(gl.getUniformLocation(program, 'uDepth'), 1);
  return { gl, program };
}

export const DepthDisplacement: React.FC<{ item: DepthDisplacementItem; crop: Crop }> = ({ item, crop }) => {
  const { width, height } = useVideoConfig();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<GlState | null>(null);
  const [handle] = useState(() => delayRender(`parallax textures for ${item.src}`));
  const { src, depthSrc, far, near, origin } = item;

  useEffect(() => {
    let live = true;
    Promise.all([loadImage(src), loadImage(depthSrc)])
      .then(([image, depth]) => {
        if (!live || !canvas.current) return;
        setState(setup(canvas.current, image, depth));
        continueRender(handle);
      })
      .catch((err: Error) => cancelRender(err));
    return () => {
      live = false;
    };
  }, [src, depthSrc, handle]);

  useLayoutEffect(() => {
    if (!state) return;
    const { gl, program } = state;
    const u = (name: string): WebGLUniformLocation | null => gl.getUniformLocation(program, name);
    gl.viewport(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight);
    gl.uniform4f(u('uCrop'), crop.x, crop.y, crop.w, crop.h);
    gl.uniform2f(u('uShift0'), far.dx, far.dy);
    gl.uniform2f(u('uShift1'), near.dx, near.dy);
    gl.uniform1f(u('uScale0'), far.scale);
    gl.uniform1f(u('uScale1'), near.scale);
    gl.uniform2f(u('uOrigin'), origin.x, origin.y);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  }, [state, crop.x, crop.y, crop.w, crop.h, far.dx, far.dy, far.scale, near.dx, near.dy, near.scale, origin.x, origin.y]);

  return <canvas ref={canvas} width={width} height={height} style={{ position: 'absolute', left: 0, top: 0, width, height }} />;
};
