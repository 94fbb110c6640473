"""Voice readout: French speech for the assistant's answers (SPEC §5).

svc = VoiceService(cache_dir, engine="auto")          # "auto" | "gtts" | "espeak"
path = await svc.audio_for(text, "mp3" | "ogg", slow=False)
"""

from bot.voice.service import VoiceError, VoiceService

__all__ = ["VoiceError", "VoiceService"]
