"""Command line of the voice readout (settings from the environment, docs/contracts.md).

python -m bot.voice say "Appelez le 3422." --fmt ogg [--slow]   # prints the audio file path
python -m bot.voice normalise "Rendez-vous à 14 h 30."          # prints the words spoken
python -m bot.voice prerender [--root .]                        # fixed domain answers
python -m bot.voice prune                                       # apply the cache limits
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

from bot.voice.normalise import normalise_for_speech
from bot.voice.service import VoiceError, VoiceService
from bot.voice.static import domain_files, static_responses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.voice")
    sub = parser.add_subparsers(dest="command", required=True)
    say = sub.add_parser("say", help="make (or find) the audio of a text")
    say.add_argument("text")
    say.add_argument("--fmt", choices=["mp3", "ogg"], default="mp3")
    say.add_argument("--slow", action="store_true")
    norm = sub.add_parser("normalise", help="print the text as it will be spoken")
    norm.add_argument("text")
    pre = sub.add_parser("prerender", help="render the domain's fixed answers")
    pre.add_argument("--root", type=Path, default=Path("."))
    sub.add_parser("prune", help="delete old audio and keep the cache under its size")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    if args.command == "normalise":
        print(normalise_for_speech(args.text))
        return 0
    svc = VoiceService.from_env()
    if args.command == "say":
        try:
            print(asyncio.run(svc.audio_for(args.text, args.fmt, slow=args.slow)))
        except (VoiceError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "prune":
        print(f"deleted {svc.prune()} files")
        return 0
    texts = static_responses(domain_files(args.root))
    started = time.perf_counter()
    failures = asyncio.run(svc.prerender(texts))
    elapsed = time.perf_counter() - started
    print(f"prerendered {len(texts) - failures}/{len(texts)} answers in {elapsed:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
