import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareNarrationCaptions } from '../../src/captions/narration-captions';
import { openaiTimer, transcriptionToCaptions } from '../../src/captions/timings/openai';
import { cachedWordTimings } from '../../src/captions/timings/word-timings';
import { whisperCppProblem, whisperCppTimer } from '../../src/captions/timings/whisper-cpp';
import { parsePlan } from '../../src/plan/load-plan';
import { tempDir, writeWav } from '../helpers/fixtures';
import { startTranscriptionApi, type TranscriptionApi } from '../providers/servers/openai-transcription-api';

const KEY = 'sk-test-transcribe-1234';
const WORDS = [
  { word: 'Launch', start: 0.31, end: 0.74 },
  { word: 'day', start: 0.8, end: 1.12 },
  { word: 'began', start: 1.2, end: 1.71 },
];

let dir: string;
let audio: string;
beforeAll(async () => {
  dir = await tempDir();
  audio = await writeWav(path.join(dir, 'n.wav'), 2);
});

describe('openai word timings (loopback server from the transcription API docs)', () => {
  let api: TranscriptionApi;
  afterAll(() => api?.close());

  it('sends whisper-1 / verbose_json / word granularity and turns the words into captions', async () => {
    api = await startTranscriptionApi({ key: KEY, words: WORDS });
    const t = await openaiTimer({ apiKey: KEY, baseURL: api.url, maxRetries: 0 }).time({ audioFile: audio, label: 'sections[0] "a"' });
    expect(api.requests[0]!.status).toBe(200);
    expect(api.requests[0]!.fields).toMatchObject({ model: 'whisper-1', response_format: 'verbose_json', 'timestamp_granularities[]': 'word' });
    expect(t.level).toBe('word');
    expect(t.captions).toEqual([
      { text: 'Launch', startMs: 310, endMs: 740, timestampMs: 310, confidence: null },
      { text: ' day', startMs: 800, endMs: 1120, timestampMs: 800, confidence: null },
      { text: ' began', startMs: 1200, endMs: 1710, timestampMs: 1200, confidence: null },
    ]);
    await api.close();
  });

  it('a wrong key: 401 from the server, a clear message without the key', async () => {
    api = await startTranscriptionApi({ key: KEY, words: WORDS });
    const wrong = 'sk-wrong-key-5678-abcdef';
    const err = await openaiTimer({ apiKey: wrong, baseURL: api.url, maxRetries: 0 })
      .time({ audioFile: audio, label: 'sections[0] "a"' })
      .catch((e: Error) => e);
    expect(api.requests.map((r) => r.status)).toEqual([401]);
    expect(String(err)).toMatch(/captions \(openai, whisper-1\): transcribing sections\[0\] "a" failed: HTTP 401: .*Incorrect API key/);
    expect(String(err)).not.toContain(wrong);
    await api.close();
  });

  it('no key: says so before any request', async () => {
    await expect(openaiTimer({ env: {} }).time({ audioFile: audio, label: 'x' })).rejects.toThrow(/no OPENAI_API_KEY/);
  });

  it('a 500 is retried; when it persists, the message says what failed', async () => {
    api = await startTranscriptionApi({ key: KEY, words: WORDS, failures: 1 });
    const ok = await openaiTimer({ apiKey: KEY, baseURL: api.url, maxRetries: 2 }).time({ audioFile: audio, label: 'a' });
    expect(api.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(ok.captions).toHaveLength(3);
    await api.close();
    api = await startTranscriptionApi({ key: KEY, words: WORDS, failures: 10 });
    const err = await openaiTimer({ apiKey: KEY, baseURL: api.url, maxRetries: 1 })
      .time({ audioFile: audio, label: 'a' })
      .catch((e: Error) => e);
    expect(api.requests.map((r) => r.status)).toEqual([500, 500]);
    expect(String(err)).toMatch(/failed: HTTP 500/);
    await api.close();
  }, 30_000);

  it('the server refuses what the API refuses: not audio, no model', async () => {
    api = await startTranscriptionApi({ key: KEY, words: WORDS });
    const notAudio = path.join(dir, 'notes.wav');
    await (await import('node:fs')).promises.writeFile(notAudio, 'these are not samples');
    const err = await openaiTimer({ apiKey: KEY, baseURL: api.url, maxRetries: 0 })
      .time({ audioFile: notAudio, label: 'a' })
      .catch((e: Error) => e);
    expect(String(err)).toMatch(/HTTP 400: Invalid file format/);
    const noModel = await fetch(`${api.url}/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: new FormData() });
    expect(noModel.status).toBe(400);
    const form = new FormData();
    form.set('file', new Blob([await (await import('node:fs')).promises.readFile(audio)]), 'n.wav');
    const r = await fetch(`${api.url}/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: form });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { param: string } }).error.param).toBe('model');
    await api.close();
  });

  it('a section without text is transcribed (cached by audio); an error falls back to aligning the text', async () => {
    api = await startTranscriptionApi({ key: KEY, words: WORDS });
    const plan = parsePlan({ title: 'T', sections: [{ id: 'a', image: 'i.png', narration: 'n.wav' }] }, 'p');
    const logs: string[] = [];
    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: api.url };
    const cacheDir = path.join(dir, 'cache');
    const out = await prepareNarrationCaptions(plan, () => audio, { cacheDir, env, onLog: (m) => logs.push(m) });
    expect(out['n.wav']).toMatchObject({ level: 'word', source: 'openai' });
    expect(logs.join('\n')).toMatch(/no text; transcribing the narration with openai/);
    // Again: from the cache, no second request (a transcription is paid for once).
    const again = await prepareNarrationCaptions(plan, () => audio, { cacheDir, env });
    expect(again).toEqual(out);
    expect(api.requests).toHaveLength(1);
    await api.close();

    // The server is gone: the section with text falls back to the aligner, with a warning naming it.
    const withText = parsePlan({ title: 'T', captions: { source: 'openai' }, sections: [{ id: 'b', image: 'i.png', narration: 'n.wav', text: 'A tone.' }] }, 'p');
    const warned: string[] = [];
    const fell = await prepareNarrationCaptions(withText, () => audio, { env: { ...env }, openai: { maxRetries: 0 }, onLog: (m) => warned.push(m) });
    expect(warned.join('\n')).toMatch(/warning: sections\[0\] "b": captions \(openai, whisper-1\): transcribing .* failed: cannot connect.*; aligning the section text instead/);
    expect(fell['n.wav']!.source).toBe('align');
  }, 30_000);
});

describe('whisper-cpp word timings', () => {
  it('not installed: a clear message naming how to install it', async () => {
    expect(whisperCppProblem({ env: {} })).toMatch(/STILLMOTION_WHISPER_CPP_PATH is not set.*installWhisperCpp\(.*downloadWhisperModel\(/);
    const missing = path.join(dir, 'no-whisper');
    const err = await whisperCppTimer({ whisperPath: missing, env: {} })
      .time({ audioFile: audio, label: 'a' })
      .catch((e: Error) => e);
    expect(String(err)).toMatch(new RegExp(`whisper\\.cpp 1\\.5\\.5 is not installed at ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*installWhisperCpp`));
    expect(whisperCppProblem({ whisperPath: missing, model: 'huge', env: {} })).toMatch(/unknown model "huge"/);
  });

  it('cache: the same audio and text are timed once', async () => {
    let calls = 0;
    const timer = { id: 'align' as const, needsText: true, tag: () => 'test', time: async () => (calls++, { level: 'word' as const, source: 'align' as const, captions: [], warnings: ['w'] }) };
    const cacheDir = path.join(dir, 'cache2');
    await cachedWordTimings(timer, { audioFile: audio, text: 'x', label: 'a' }, { cacheDir });
    const hit = await cachedWordTimings(timer, { audioFile: audio, text: 'x', label: 'a' }, { cacheDir });
    expect(hit).toMatchObject({ cached: true, warnings: ['w'] });
    await cachedWordTimings(timer, { audioFile: audio, text: 'y', label: 'a' }, { cacheDir });
    expect(calls).toBe(2);
  });
});

describe('transcription words to captions', () => {
  const words = [
    { word: 'Hello', start: 0.1, end: 0.42 },
    { word: 'world', start: 0.5, end: 0.9 },
  ];

  it("puts the transcript's punctuation back on the words (Remotion's converter)", () => {
    const captions = transcriptionToCaptions({ text: 'Hello, world!', words });
    expect(captions.map((c) => c.text)).toEqual(['Hello,', ' world!']);
    expect(captions.map((c) => [c.startMs, c.endMs])).toEqual([[100, 420], [500, 900]]);
  });

  it('keeps the words as they came when the text does not match them', () => {
    const captions = transcriptionToCaptions({ text: 'Something else entirely.', words });
    expect(captions.map((c) => c.text)).toEqual(['Hello', ' world']);
  });
});
