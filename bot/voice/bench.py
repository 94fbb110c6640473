"""Voice benchmark: time to get audio, uncached (synthesis + conversion) and cached (file read).

    python -m bot.voice.bench --out benchmarks/voice.json [--engine espeak] [--rounds 5]

Uses 20 two-sentence answers made of sentences from the "Mon espace santé facile à lire"
brochure (the length of a bot answer), each in MP3 and OGG, in a fresh temporary cache. Target
(SPEC §7): uncached MP3 at most 150 ms p95, cached at most 5 ms p95. Only the offline engine
is measured by default: gTTS timings depend on Google's servers, which this machine cannot reach.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bot.voice.service import VoiceService
from bot.voice.settings import VoiceSettings

# From the brochure (shared/seed/mon-espace-sante-facile-a-lire.txt), a few with numbers.
SENTENCES = [
    "Mon espace santé est un carnet de santé sur internet.",
    "C'est moi qui décide d'avoir Mon espace santé.",
    "Mon espace santé est gratuit et facile à utiliser.",
    "J'indique ma date de naissance et le numéro de série de ma carte Vitale.",
    "Je choisis de recevoir un code d'activation par SMS ou par mail.",
    "Je vérifie mes coordonnées puis je crée un identifiant et un mot de passe.",
    "Je reçois un nouveau code provisoire par SMS ou par mail.",
    "Mon espace santé est maintenant créé.",
    "Je peux appeler le numéro national et gratuit 3422.",
    "Grâce à Mon espace santé je peux partager mes documents médicaux.",
    "Mes documents médicaux sont mis automatiquement dans Mon espace santé.",
    "Les 2 parents pourront suivre la santé de leurs enfants.",
    "Je trouve un agenda avec tous les rendez-vous médicaux de la famille.",
    "En cas d'urgence, les professionnels de santé peuvent consulter Mon espace santé.",
    "Je peux retrouver sur mon smartphone toutes mes ordonnances.",
    "Je peux cacher des informations à certains professionnels.",
    "Mon espace santé est protégé par un code personnel.",
    "Votre rendez-vous est mardi 3 décembre 2026 à 10 heures 30.",
    "Votre code est 482915.",
    "Nous avons envoyé un code au 06 12 34 56 78.",
]


# Each answer is two consecutive sentences (the last wraps to the first).
ANSWERS = [f"{a} {b}" for a, b in zip(SENTENCES, SENTENCES[1:] + SENTENCES[:1], strict=True)]
TARGET_UNCACHED_P95_MS = 150.0
TARGET_CACHED_P95_MS = 5.0


def _ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


async def run(engine: str, rounds: int) -> dict:
    load_at_start = round(os.getloadavg()[0], 2)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        svc = VoiceService(Path(tmp), engine, settings=VoiceSettings(engine=engine))
        for fmt in ("mp3", "ogg"):
            uncached, cached = [], []
            for text in ANSWERS:
                started = time.perf_counter()
                (await svc.audio_for(text, fmt)).read_bytes()  # type: ignore[arg-type]
                uncached.append(time.perf_counter() - started)
            for _ in range(rounds):
                for text in ANSWERS:
                    started = time.perf_counter()
                    (await svc.audio_for(text, fmt)).read_bytes()  # type: ignore[arg-type]
                    cached.append(time.perf_counter() - started)
            results[fmt] = {"uncached": _ms(uncached), "cached": _ms(cached)}
        syntheses = svc.espeak.calls + svc.gtts.calls
    mp3 = results["mp3"]
    return {
        "what": (
            "time for VoiceService.audio_for plus reading the file, for two-sentence answers: "
            "uncached = normalise + espeak-ng + encoding + atomic write (MP3 encoded in process "
            "by libmp3lame, OGG/Opus by ffmpeg); cached = normalise + cache lookup + read"
        ),
        "engine": engine,
        "answers": len(ANSWERS),
        "sentences_per_answer": 2,
        "target": {
            "mp3_uncached_p95_ms": TARGET_UNCACHED_P95_MS,
            "cached_p95_ms": TARGET_CACHED_P95_MS,
            "met": mp3["uncached"]["p95_ms"] <= TARGET_UNCACHED_P95_MS
            and mp3["cached"]["p95_ms"] <= TARGET_CACHED_P95_MS,
        },
        "cached_rounds": rounds,
        "syntheses": syntheses,
        "results": results,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1m_at_start": load_at_start,
            "note": "2 shared cores; other work may run at the same time",
        },
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/voice.json"))
    parser.add_argument("--engine", default="espeak", choices=["espeak", "gtts", "auto"])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    report = asyncio.run(run(args.engine, args.rounds))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    for fmt, r in report["results"].items():
        print(
            f"{fmt}: uncached p50 {r['uncached']['p50_ms']} ms p95 {r['uncached']['p95_ms']} ms; "
            f"cached p50 {r['cached']['p50_ms']} ms p95 {r['cached']['p95_ms']} ms"
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
