#!/usr/bin/python3
"""Real-music beat benchmark helper (run by bench/audio.ts with Debian's /usr/bin/python3).

Needs the Debian packages python3-mido and python3-mir-eval.

  real-music.py excerpt IN.mid OUT.mid START_S DURATION_S BEAT_QUARTERS|auto
      Writes the excerpt [START_S, START_S + DURATION_S) of IN.mid to OUT.mid (controller,
      program and tempo state before START_S kept at time 0; notes sounding past the end cut)
      and prints JSON {"beats": [...], "meters": [...], "bpm": [min, max]}: the beat times of
      the excerpt in seconds, from the file's own tempo map and time signatures, between its
      first and last note onset.
      The beat is a quarter note, except in compound meters (6/8, 9/8, 12/8: a dotted quarter)
      and x/8 meters otherwise (an eighth), unless BEAT_QUARTERS gives it (in quarter notes).
  real-music.py score < [{"ref": [...], "est": [...]}, ...]
      Prints [{"f": F, "amlt": AMLt}, ...] from mir_eval.beat.f_measure (+-70 ms) and
      mir_eval.beat.continuity, both after mir_eval.beat.trim_beats (beats before 5 s dropped).
"""
import json
import sys


def tempo_map(mid):
    """[(tick, microseconds per quarter)] and [(tick, numerator, denominator)], sorted."""
    tempos, meters = [], []
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == 'set_tempo':
                tempos.append((tick, msg.tempo))
            elif msg.type == 'time_signature':
                meters.append((tick, msg.numerator, msg.denominator))
    tempos.sort(key=lambda x: x[0])
    meters.sort(key=lambda x: x[0])
    if not tempos or tempos[0][0] > 0:
        tempos.insert(0, (0, 500000))
    if not meters or meters[0][0] > 0:
        meters.insert(0, (0, 4, 4))
    return tempos, meters


def seconds_at(tempos, tpq):
    """tick -> seconds through the tempo map."""
    marks = []
    sec = 0.0
    for i, (tick, us) in enumerate(tempos):
        if i > 0:
            prev_tick, prev_us = tempos[i - 1]
            sec += (tick - prev_tick) * prev_us / 1e6 / tpq
        marks.append((tick, sec, us))

    def at(tick):
        lo = 0
        for i, m in enumerate(marks):
            if m[0] <= tick:
                lo = i
        t0, s0, us = marks[lo]
        return s0 + (tick - t0) * us / 1e6 / tpq

    return at


def beat_ticks(num, den, tpq, override):
    if override is not None:
        return override * tpq
    unit = tpq * 4 / den
    if den == 8 and num % 3 == 0 and num > 3:
        return 3 * unit
    return unit


def excerpt(src, dst, start_s, dur_s, override):
    import mido

    mid = mido.MidiFile(src)
    tpq = mid.ticks_per_beat
    tempos, meters = tempo_map(mid)
    sec = seconds_at(tempos, tpq)
    end_s = start_s + dur_s
    out = mido.MidiFile(type=mid.type, ticks_per_beat=tpq)
    first, last = None, None
    for track in mid.tracks:
        tick = 0
        events = []  # (new absolute tick, message)
        sounding = set()
        for msg in track:
            tick += msg.time
            t = sec(tick)
            if msg.type == 'end_of_track':
                continue
            is_on = msg.type == 'note_on' and msg.velocity > 0
            is_off = msg.type == 'note_off' or (msg.type == 'note_on' and msg.velocity == 0)
            if t < start_s:
                if not (is_on or is_off):
                    events.append((0, msg))  # state (program, controllers, tempo, meter) at the cut
                continue
            if t >= end_s:
                continue
            new_tick = tick - start_tick(sec, start_s, mid, tpq)
            if is_on:
                sounding.add((msg.channel, msg.note))
                first = t if first is None else min(first, t)
                last = t if last is None else max(last, t)
            elif is_off:
                if (msg.channel, msg.note) not in sounding:
                    continue
                sounding.discard((msg.channel, msg.note))
            events.append((new_tick, msg))
        end_tick = max([e[0] for e in events], default=0)
        for ch, note in sorted(sounding):
            events.append((end_tick, mido.Message('note_off', channel=ch, note=note, velocity=0)))
        new = mido.MidiTrack()
        prev = 0
        for t, msg in events:
            new.append(msg.copy(time=max(0, t - prev)))
            prev = max(prev, t)
        new.append(mido.MetaMessage('end_of_track', time=0))
        out.tracks.append(new)
    out.save(dst)

    beats = []
    st = start_tick(sec, start_s, mid, tpq)
    shift = grid_offset(mid, tpq)
    for i, (m_tick, num, den) in enumerate(meters):
        until = meters[i + 1][0] if i + 1 < len(meters) else float('inf')
        step = beat_ticks(num, den, tpq, override)
        k = 0
        while True:
            tick = m_tick + shift + k * step
            if tick >= until:
                break
            t = sec(tick)
            if t >= end_s or (last is not None and t > last + 1e-6):
                break
            if first is not None and t >= first - 0.02 and t >= start_s:
                beats.append(round(t - start_s, 6))
            k += 1
            if k > 10 ** 6:
                break
    bpms = [60e6 / us for tick, us in tempos if sec(tick) < end_s]
    print(json.dumps({
        'beats': beats,
        'gridOffsetTicks': shift,
        'gridOffsetMs': round(1000 * (sec(st + shift) - sec(st)), 1),
        'meters': sorted({f'{n}/{d}' for _, n, d in meters}),
        'bpm': [round(min(bpms), 1), round(max(bpms), 1)],
    }))


def grid_offset(mid, tpq):
    """Where the file's notes sit relative to its own beat grid, in ticks.

    Most files put their notes on the grid that starts at tick 0, but some were recorded with
    every note a fixed number of ticks late (Planet Blupi music004-009: 16-24 ticks at 192 per
    quarter, 36-63 ms). The offset is read from the notes themselves: the most common onset
    position modulo a sixteenth note, when it clearly beats the grid itself."""
    onsets = []
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == 'note_on' and msg.velocity > 0:
                onsets.append(tick)
    six = tpq / 4
    if not onsets or six != int(six):
        return 0
    six = int(six)
    tol = max(1, six // 12)
    counts = [0] * six
    for t in onsets:
        counts[t % six] += 1
    smooth = [sum(counts[(r + d) % six] for d in range(-tol, tol + 1)) for r in range(six)]
    fine = max(range(six), key=lambda r: (smooth[r], -min(r, six - r)))
    if smooth[0] >= 0.8 * smooth[fine]:
        fine = 0
    # Only the sub-sixteenth offset is corrected: which sixteenth is the beat is the file's word
    # (syncopated parts put more notes off the beat than on it).
    return fine - six if fine > six / 2 else fine


_start_ticks = {}


def start_tick(sec, start_s, mid, tpq):
    """The (fractional) tick at start_s, by bisection on the tempo map."""
    key = (id(mid), start_s)
    if key not in _start_ticks:
        lo, hi = 0.0, 1.0
        while sec(hi) < start_s:
            hi *= 2
        for _ in range(60):
            m = (lo + hi) / 2
            if sec(m) < start_s:
                lo = m
            else:
                hi = m
        _start_ticks[key] = int(round(hi)) if start_s > 0 else 0
    return _start_ticks[key]


def score():
    import numpy as np
    import mir_eval

    out = []
    for pair in json.load(sys.stdin):
        ref = mir_eval.beat.trim_beats(np.array(sorted(pair['ref']), dtype=float))
        est = mir_eval.beat.trim_beats(np.array(sorted(pair['est']), dtype=float))
        f = mir_eval.beat.f_measure(ref, est)
        _, _, _, amlt = mir_eval.beat.continuity(ref, est)
        out.append({'f': float(f), 'amlt': float(amlt)})
    print(json.dumps(out))


if __name__ == '__main__':
    import warnings

    warnings.simplefilter('ignore')  # mir_eval warns on empty estimates; the score (0) says it
    if sys.argv[1] == 'excerpt':
        ov = None if sys.argv[6] == 'auto' else float(sys.argv[6])
        excerpt(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), ov)
    elif sys.argv[1] == 'score':
        score()
    else:
        sys.exit(f'unknown command {sys.argv[1]!r}')
