"""Imported by the media forkserver only (see worker.py), so that every child it forks starts warm.

A child would otherwise load Pillow's plugins and register the HEIF opener for its first photo, ~30 ms of
CPU; an RQ work horse, forked per job, starts a child per job. Importing this registers the HEIF opener
with Pillow, which is why nothing else imports it.
"""

from PIL import Image

from campaign.media.formats import register_heif

register_heif()
Image.init()
