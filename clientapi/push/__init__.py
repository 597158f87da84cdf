"""Web Push (Mastodon's push section): an app's subscription to its member's notifications."""
