"""Two-way sync of fetched copies: local edits (made with any tool) to the server, the server's changes back.

The pieces, for the Processing algorithms here and the desktop's editing, conflict and "Reload from server" UI:

* :mod:`.origin` - what a copy records inside its GeoPackage (``geodock_origin``, ``geodock_base`` and the base
  snapshot ``geodock_values_<n>``); :class:`plugin.fetch.FeatureCopier` writes the ids and the base,
  ``geodock:fetchlayer`` (and any fetch that knows its connection) the origin with :func:`record_copy`.
* :func:`.model.open_copy` (an OGR source or a QgsVectorLayer) -> :class:`.model.FetchedCopy`.
* :func:`.changes.local_changes` - fids added, changed, deleted since the base.
* :func:`.engine.sync` (copy, :class:`.model.Policy`) -> :class:`.model.SyncReport`: asks the platform's
  ``FEATURE_WRITE`` writer (:class:`plugin.platforms.capabilities.FeatureWriter`) whether it may write, finds
  conflicts (:func:`.push.find_conflicts`: the server's version or values differ from the base), sends the edits
  the policy leaves (:func:`.push.build_batch`), records each accepted one at once (:class:`.push.Recorder`:
  the server's id of an addition, the new base), then pulls (:func:`.pull.pull`). A refused edit stays a local
  change and is listed in ``SyncReport.failed`` with its reason; nothing is overwritten silently: a conflict
  under ``STOP`` sends nothing, and a pull keeps any local edit it is not told to give up.
* :func:`.engine.reload_from_server` - the pull alone (any platform that fetches features).

A desktop flow: commit the layer's edit buffer to the file, run :func:`.engine.sync` with ``STOP`` in a task,
show ``report.conflicts``, then run it again with the user's choice (or resolve per feature by editing the copy:
taking theirs for one feature is :func:`.pull.pull` with ``take_theirs={fid}``), and ``layer.reload()``.
"""
