"""Realtime AmigoCloud layers: a small Socket.IO client on QtWebSockets and memory layers it keeps moving."""
