<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <source>{archive} was refused: entry {name!r} has an absolute path</source>
        <translation>{archive} a été refusé : l'entrée {name!r} a un chemin absolu</translation>
    </message>
    <message>
        <source>{archive} was refused: entry {name!r} points outside the folder (..)</source>
        <translation>{archive} a été refusé : l'entrée {name!r} pointe hors du dossier (..)</translation>
    </message>
    <message>
        <source>{archive} was refused: entry {name!r} has a malformed name</source>
        <translation>{archive} a été refusé : l'entrée {name!r} a un nom malformé</translation>
    </message>
    <message>
        <source>{archive} was refused: entry {name!r} is in it twice</source>
        <translation>{archive} a été refusé : l'entrée {name!r} y figure deux fois</translation>
    </message>
    <message>
        <source>{archive} was refused: {name!r} is both a file and a folder</source>
        <translation>{archive} a été refusé : {name!r} est à la fois un fichier et un dossier</translation>
    </message>
    <message>
        <source>{archive} was refused: {count} entries (at most {limit})</source>
        <translation>{archive} a été refusé : {count} entrées (au plus {limit})</translation>
    </message>
    <message>
        <source>{archive} was refused: entry {name!r} is a symbolic link or special file</source>
        <translation>{archive} a été refusé : l'entrée {name!r} est un lien symbolique ou un fichier spécial</translation>
    </message>
    <message>
        <source>{archive} was refused: entry {name!r} expands {ratio:.0f} times (a zip bomb?)</source>
        <translation>{archive} a été refusé : l'entrée {name!r} se décompresse {ratio:.0f} fois (une bombe zip ?)</translation>
    </message>
    <message>
        <source>{archive} was refused: it would expand to {total} bytes (at most {limit})</source>
        <translation>{archive} a été refusé : il se décompresserait en {total} octets (au plus {limit})</translation>
    </message>
    <message>
        <source>{archive} was refused: it expands {ratio:.0f} times (a zip bomb?)</source>
        <translation>{archive} a été refusé : il se décompresse {ratio:.0f} fois (une bombe zip ?)</translation>
    </message>
    <message>
        <source>{archive} was refused: entry {name!r} points outside the folder</source>
        <translation>{archive} a été refusé : l'entrée {name!r} pointe hors du dossier</translation>
    </message>
    <message>
        <source>Cannot extract {archive}: {target} exists and is not empty</source>
        <translation>Impossible d'extraire {archive} : {target} existe et n'est pas vide</translation>
    </message>
    <message>
        <source>{archive} is not a readable zip archive ({reason})</source>
        <translation>{archive} n'est pas une archive zip lisible ({reason})</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Listing {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} unreadable items skipped (see the Geodock log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch more… ({loaded} of {total})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch more… ({loaded} shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch more</source>
        <translation>Charger plus</translation>
    </message>
    <message>
        <source>Add to map</source>
        <translation>Ajouter à la carte</translation>
    </message>
    <message>
        <source>Add to map as {label}</source>
        <translation>Ajouter à la carte comme {label}</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Copy id</source>
        <translation>Copier l'identifiant</translation>
    </message>
    <message>
        <source>Copy URL</source>
        <translation>Copier l'URL</translation>
    </message>
    <message>
        <source>Open on the web</source>
        <translation>Ouvrir sur le web</translation>
    </message>
    <message>
        <source>Unknown connection kind {kind!r} (one of {kinds})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bad request</source>
        <translation>Requête incorrecte</translation>
    </message>
    <message>
        <source>Authentication failed</source>
        <translation>Échec de l'authentification</translation>
    </message>
    <message>
        <source>Permission denied</source>
        <translation>Permission refusée</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Introuvable</translation>
    </message>
    <message>
        <source>Method not allowed</source>
        <translation>Méthode non autorisée</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Conflit</translation>
    </message>
    <message>
        <source>Invalid request</source>
        <translation>Requête invalide</translation>
    </message>
    <message>
        <source>Too many requests</source>
        <translation>Trop de requêtes</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Erreur du serveur</translation>
    </message>
    <message>
        <source>Bad gateway</source>
        <translation>Passerelle incorrecte</translation>
    </message>
    <message>
        <source>Service unavailable</source>
        <translation>Service indisponible</translation>
    </message>
    <message>
        <source>Gateway timeout</source>
        <translation>Délai de la passerelle dépassé</translation>
    </message>
    <message>
        <source>Could not use a file{where}: {reason}</source>
        <translation>Impossible d'utiliser un fichier{where} : {reason}</translation>
    </message>
    <message>
        <source>Unexpected error: {kind}: {reason}</source>
        <translation>Erreur inattendue : {kind} : {reason}</translation>
    </message>
    <message>
        <source>HTTP error</source>
        <translation>Erreur HTTP</translation>
    </message>
    <message>
        <source>The server answered a features page that is not GeoJSON</source>
        <translation>Le serveur a répondu par une page d'entités qui n'est pas du GeoJSON</translation>
    </message>
    <message>
        <source>The server answered a features page that GDAL could not read</source>
        <translation>Le serveur a répondu par une page d'entités que GDAL n'a pas pu lire</translation>
    </message>
    <message>
        <source>Could not write the fetched features to {file}</source>
        <translation>Impossible d'écrire les entités récupérées dans {file}</translation>
    </message>
    <message>
        <source>Geodock: downloading {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded {count} file(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No files to download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download failed: {error}</source>
        <translation>Échec du téléchargement : {error}</translation>
    </message>
    <message>
        <source>Cancelling {title}</source>
        <translation>Annulation de {title}</translation>
    </message>
    <message>
        <source>{title} could not be cancelled: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connection named {name}: add it again to go on following this job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>Téléchargement…</translation>
    </message>
    <message>
        <source>Downloading… {percent:.0f}%</source>
        <translation>Téléchargement… {percent:.0f} %</translation>
    </message>
    <message>
        <source>{count} layer(s) added to the project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} did not finish within {seconds:g} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock: watching remote jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not answer ({why}); trying again (attempt {n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{why}. Asking again in {seconds:.0f} s (attempt {n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The job is gone from the server ({error})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Web page</source>
        <translation>Page web</translation>
    </message>
    <message>
        <source>Thumbnail</source>
        <translation>Vignette</translation>
    </message>
    <message>
        <source>{title} cannot be added to the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not find a free file name for {name} in {folder}</source>
        <translation>Aucun nom de fichier libre pour {name} dans {folder}</translation>
    </message>
    <message>
        <source>The partial download disappeared</source>
        <translation>Le téléchargement partiel a disparu</translation>
    </message>
    <message>
        <source>The server answered the download with HTTP {status} and no file</source>
        <translation>Le serveur a répondu au téléchargement par HTTP {status} sans fichier</translation>
    </message>
    <message>
        <source>The server sent part of a file without saying which part</source>
        <translation>Le serveur a envoyé une partie d'un fichier sans dire laquelle</translation>
    </message>
    <message>
        <source>The server sent part of a file that was not asked for</source>
        <translation>Le serveur a envoyé une partie d'un fichier qui n'était pas demandée</translation>
    </message>
    <message>
        <source>The server&apos;s answers to the download did not fit together</source>
        <translation>Les réponses du serveur au téléchargement ne concordent pas</translation>
    </message>
    <message>
        <source>The download of {file} is incomplete ({size} of {want} bytes)</source>
        <translation>Le téléchargement de {file} est incomplet ({size} octets sur {want})</translation>
    </message>
    <message>
        <source>Could not find a free file name for {name}</source>
        <translation>Aucun nom de fichier libre pour {name}</translation>
    </message>
    <message>
        <source>The server answered with something that is not a list of items</source>
        <translation>Le serveur a répondu par autre chose qu'une liste d'éléments</translation>
    </message>
    <message>
        <source>The server answered a page whose {key!r} is not a list</source>
        <translation>Le serveur a répondu par une page dont {key!r} n'est pas une liste</translation>
    </message>
    <message>
        <source>The server answered with something that is not a list of {key}</source>
        <translation>Le serveur a répondu par autre chose qu'une liste de {key}</translation>
    </message>
    <message>
        <source>Cannot upload {file}: no such file</source>
        <translation>Impossible de téléverser {file} : fichier introuvable</translation>
    </message>
    <message>
        <source>Cannot read {file}: {reason}</source>
        <translation>Impossible de lire {file} : {reason}</translation>
    </message>
    <message>
        <source>Choose what to export</source>
        <translation>Choisir quoi exporter</translation>
    </message>
    <message>
        <source>Waiting on the server</source>
        <translation>En attente sur le serveur</translation>
    </message>
    <message>
        <source>Exporting on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready to download</source>
        <translation>Prêt à télécharger</translation>
    </message>
    <message>
        <source>The export failed on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>The dataset {name} cannot be exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered the export without a job id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export job {id} has no file to download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No longer followed (AmigoCloud jobs cannot be cancelled)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox cannot export as {fmt}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running on the server</source>
        <translation>En cours sur le serveur</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Terminée</translation>
    </message>
    <message>
        <source>Failed on the server</source>
        <translation>Échec sur le serveur</translation>
    </message>
    <message>
        <source>Aborted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox answered the export without a task id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This task made no file to download (it made {made})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it lies entirely outside the crop extent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it has no data that can be exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it does not exist on the server (or you may not see it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no export format is chosen for its kind of data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the chosen format cannot hold this kind of data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the coordinate reference system is unknown to the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing is selected for export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is too large to export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its licence does not allow exports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it must be paid for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Processing on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export has expired on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export {name} is {state}: nothing to download yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already finished ({state}): {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describing {process}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job {job} on {connection}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled; the job was dismissed on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock: describing OGC processes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: no vector layer {value!r}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: the layer has no features</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: expected an extent &apos;xmin,xmax,ymin,ymax [EPSG:code]&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: no file {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input} is not valid JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koordinates</source>
        <translation>Koordinates</translation>
    </message>
    <message>
        <source>Geobox</source>
        <translation>Geobox</translation>
    </message>
    <message>
        <source>Upload Layer to Geobox…</source>
        <translation>Téléverser une couche vers Geobox…</translation>
    </message>
    <message>
        <source>Create Empty Geobox Layer…</source>
        <translation>Créer une couche Geobox vide…</translation>
    </message>
    <message>
        <source>Upload to Geobox…</source>
        <translation>Téléverser vers Geobox…</translation>
    </message>
    <message>
        <source>AmigoCloud</source>
        <translation>AmigoCloud</translation>
    </message>
    <message>
        <source>AmigoCloud SQL Console…</source>
        <translation>Console SQL AmigoCloud…</translation>
    </message>
    <message>
        <source>Add Live AmigoCloud Layer…</source>
        <translation>Ajouter une couche AmigoCloud en direct…</translation>
    </message>
    <message>
        <source>OGC API – Processes</source>
        <translation>OGC API – Processus</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Processus</translation>
    </message>
    <message>
        <source>Geodock: remote geodata platforms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only vector layers can be uploaded to {connection}: {names} skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} published on {connection}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload of {name} cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload of {name} failed: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading {name} to {connection}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>Export from {platform}: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Items</source>
        <translation>Éléments</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Couche</translation>
    </message>
    <message>
        <source>Add by id (5, tables/5) or API URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer uuid or dataset id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Sortie</translation>
    </message>
    <message>
        <source>CRS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading formats…</source>
        <translation>Chargement des formats…</translation>
    </message>
    <message>
        <source>Format: {kind}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Crop</source>
        <translation>Découpage</translation>
    </message>
    <message>
        <source>None: everything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current map extent</source>
        <translation>Emprise actuelle de la carte</translation>
    </message>
    <message>
        <source>Extent of a project layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geometry of a project layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A crop feature of the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Crop to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected features only</source>
        <translation>Entités sélectionnées uniquement</translation>
    </message>
    <message>
        <source>Crop feature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filtre</translation>
    </message>
    <message>
        <source>CQL filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fields to keep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Destination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export name</source>
        <translation>Nom de l'export</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Add results to the project</source>
        <translation>Ajouter les résultats au projet</translation>
    </message>
    <message>
        <source>Validate</source>
        <translation>Valider</translation>
    </message>
    <message>
        <source>Submit export</source>
        <translation>Soumettre l'export</translation>
    </message>
    <message>
        <source>{title} and {count} more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the export formats of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(formats could not be loaded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not exported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a project layer to crop to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} has no features to crop to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} has no selected feature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The crop area is empty: it covers no area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose one of the server&apos;s crop features</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a CRS with an authority id (EPSG:…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;i&gt;Validate the export to see whether it can be made.&lt;/i&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validating…</source>
        <translation>Validation…</translation>
    </message>
    <message>
        <source>Validating the export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export is valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export cannot be made:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licences: {names}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated zipped size: {size}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a destination folder</source>
        <translation>Choisir un dossier de destination</translation>
    </message>
    <message>
        <source>Submitting…</source>
        <translation>Soumission…</translation>
    </message>
    <message>
        <source>Submitting the export {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submitted: follow it in the Jobs panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export {name} submitted; it is followed in the Jobs panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Export from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot use the folder {folder}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write into the folder {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel on the server</source>
        <translation>Annuler sur le serveur</translation>
    </message>
    <message>
        <source>Download again</source>
        <translation>Télécharger à nouveau</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ouvrir le dossier</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>Retirer de la liste</translation>
    </message>
    <message>
        <source>Exports and tasks on the server</source>
        <translation>Exports et tâches sur le serveur</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Afficher</translation>
    </message>
    <message>
        <source>Show the exports or tasks the server has for this connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créée</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>Suivre</translation>
    </message>
    <message>
        <source>Add the chosen export or task to the list above and download its results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel on server</source>
        <translation>Annuler sur le serveur</translation>
    </message>
    <message>
        <source>Remove running jobs?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} of the chosen jobs still run on the server ({titles}). Removing them from the list does not stop them there; Geodock only stops following them and will not download their results.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing the jobs of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing server jobs</source>
        <translation>Liste des tâches du serveur</translation>
    </message>
    <message>
        <source>{title} failed: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added {name} to the map</source>
        <translation>{name} ajouté à la carte</translation>
    </message>
    <message>
        <source>Loading {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>Catalogue</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Geodock</source>
        <translation>Geodock</translation>
    </message>
    <message>
        <source>Connections…</source>
        <translation>Connexions…</translation>
    </message>
    <message>
        <source>Add, edit, test, import and export Geodock connections</source>
        <translation>Ajouter, modifier, tester, importer et exporter les connexions Geodock</translation>
    </message>
    <message>
        <source>Export layers and tables server-side and download them into the project</source>
        <translation>Exporter des couches et des tables sur le serveur et les télécharger dans le projet</translation>
    </message>
    <message>
        <source>Live layer {name}: connection lost, reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud project {name} is ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud: {subject} {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send this input (otherwise the server&apos;s default applies)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Lien</translation>
    </message>
    <message>
        <source>JSON object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>values separated by commas, or a JSON list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: choose an extent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: choose a vector layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: the layer has no selected features</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: enter an http(s) link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: choose a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input} is not valid JSON: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input} is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input} is not a valid list: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>The process failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The results file {path} cannot be read: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>• {subject}
   SHA-256 {sha256}
   {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} asks QGIS to trust {count} certificate authorities:

{listed}

A trusted certificate authority vouches for any HTTPS site, in QGIS and in every plugin. Trust them only if you know who made them and why.

Trust these certificate authorities?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust Certificate Authorities?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Geometry</source>
        <translation>Géométrie</translation>
    </message>
    <message>
        <source>Extent</source>
        <translation>Emprise</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>Entités</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licence</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Mise à jour</translation>
    </message>
    <message>
        <source>Unexpected error: {0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} (details in the Geodock log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A connection needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A connection name is at most {count} characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: the URL must be an http(s) address, not {url!r}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Geodock connection named {name!r} (known: {known})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A connection named {name!r} exists already</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: named twice in the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} is not valid JSON: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>certificate_authorities must be a list of certificate file paths</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection #{number} is not an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection #{number}: {fields} must be text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection #{number}: options must be an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: authentication configuration {authcfg} is not in this QGIS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export of {title} ended {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add to map as…</source>
        <translation>Ajouter à la carte comme…</translation>
    </message>
    <message>
        <source>Export the selected items server-side and download them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More</source>
        <translation>Plus</translation>
    </message>
    <message>
        <source>Select one or more layers, tables or datasets to export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No way to load this item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Vector layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rasters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Grids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: the URL carries a secret ({secret}). Remove it and put the key in an authentication configuration: a URL is stored in plain text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: the URL holds a user name or password. Remove it and put the credentials in an authentication configuration: a URL is stored in plain text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a Geodock connections file: expected {&quot;connections&quot;: [...]}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write {name} to a GeoPackage: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the features of {name}: is its data source still there?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox accepted {name} but did not say under which id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox task {name} ended: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox did not start a publishing task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The publishing task succeeded without naming the new layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote layer needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is not a valid layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} cannot be read: its file {file} is no longer there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot upload {name}: no such file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox created the layer without saying under which id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title}: only vector layers and tables can be copied locally</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Koordinates WFS answered without GeoJSON features</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export of {title} holds no GeoPackage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not copy the exported table {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing “{}”…</source>
        <translation>Test de « {} »…</translation>
    </message>
    <message>
        <source>Testing Geodock connection “{}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>{}: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection failed</source>
        <translation>Échec de la connexion</translation>
    </message>
    <message>
        <source>Add a connection that can export ({platforms}) first (Geodock › Connections…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projet</translation>
    </message>
    <message>
        <source>Table / column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earlier queries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <source>Run the query (Ctrl+Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Add as layer</source>
        <translation>Ajouter comme couche</translation>
    </message>
    <message>
        <source>Load every row of the result as a layer (needs a geometry column)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The job status from the server could not be read: {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud did not open a websocket session for this dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (line {line}, column {column})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The query is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write {file}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the query&apos;s rows to {file}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismissed</source>
        <translation>Ignorée</translation>
    </message>
    <message>
        <source>{process} failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The job {job} was dismissed on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock: logging in for the project&apos;s layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock could not log in to {names}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is no longer on disk: download the results again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No layer could be read from the results of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a connection whose server lists its jobs first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarrée</translation>
    </message>
    <message>
        <source>Dataset {name} (id {id})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run a write statement?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This statement changes data in the project:

{query}

Run it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many redirects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer from {host} within {timeout:g} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The answer from {host} was cut short</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to {host} was dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: the server redirected a {method} request to another site ({host})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect to {host}: connection refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect to {host}: unknown host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Secure connection to {host} failed (certificate not trusted?)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach the proxy for {host}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network error talking to {host}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected error while receiving data: {err}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server answered with a web page instead of data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s answer could not be read ({msg} at character {pos})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered with something that is not a page of items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered with an unreadable item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered an unreadable item: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No AmigoCloud dataset {resource_id} in the visible projects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered an SQL page without rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server named a table or column {name!r}, which is not a usable SQL name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: this platform has no layers to fetch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox login answered without an access token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox answered a count that is not a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox answered with something that is not a list of items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox answered with an unreadable item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox answered an unreadable item: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koordinates answered with an unreadable item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koordinates answered an unreadable item: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s answer could not be read ({msg})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>input {name!r}: {key} is not a count ({value!r})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>input {name!r} is not an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the process description is not an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the process description&apos;s inputs or outputs are not a map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an input or output of the process description is not an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} is not valid JSON: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} cannot do that ({what})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No job backend for {platform} {kind}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The QGIS authentication system is disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password in QGIS_AUTH_PASSWORD_FILE does not unlock the QGIS authentication database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The QGIS authentication database is locked: set or enter its master password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not store the credentials of {name} in the QGIS authentication database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authentication configuration {authcfg} does not exist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The authentication configuration could not be read (is the database unlocked?)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The platform&apos;s own way</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished">Aucun</translation>
    </message>
    <message>
        <source>Basic (user name and password)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bearer token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key in a header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key in a query parameter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Login for a token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QGIS authentication method (OAuth2, PKI…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the login style needs a login (token) URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the login URL carries a secret: it is stored in plain text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the login URL must be an http(s) address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the login URL holds a user name or password: it is stored in plain text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the login URL must use https like the connection (the password would travel in clear)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown authentication style {style!r} (one of {styles})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>authentication settings must be text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name!r} cannot carry an API key (a header name such as X-API-Key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the API key&apos;s query parameter name may hold letters, digits and . _ ~ - only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;header&quot; must be a header name or true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;query&quot; must be a parameter name or true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>credentials must be an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>login_url must be a URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>credentials need a token, an apikey, or a username and password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>each credential must be non-empty text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auth must be an object such as {&quot;style&quot;: &quot;bearer&quot;}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a Geodock layer reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Geodock connection of this layer no longer exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection #{number}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the connection&apos;s URL: its path may be wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} finished on the server, but its results could not be downloaded: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} finished: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} was cancelled: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the Geodock connection {origin}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown layer type {type!r} for {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QGIS could not open {title} as {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered with an unreadable project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the token as Authorization: {scheme} …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the token as the query parameter ?{name}=</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>what QGIS's authentication method makes of the configuration (Basic, OAuth2, PKI…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a bearer token from a login with the user name and password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a bearer token from a login with the user name and password; a ready-made access token (user name “token”) as Bearer; an API key (user name “apikey”) as ?{name}=</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the key as the header {header}: …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the user name and password as HTTP Basic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only items shared with me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. name LIKE &apos;%road%&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One tag, e.g. roads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only data in the map view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field &apos;data.fields&apos; is not a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown response {value!r} (raw or document)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown transmission mode {value!r} (value or reference)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown execution mode {value!r} (auto, async or sync)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>asynchronously</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>synchronously</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The process cannot run {how} (its jobControlOptions allow: {allowed})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The process has no output {names} (it has: {known})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock asks for one transmission mode for all outputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request&apos;s outputs are not objects of output options</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asynchronous (a job)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronous (wait)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Execution request file (JSON; replaces the inputs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outputs to return (none ticked: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outputs to return (ids, comma-separated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raw (the result itself)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document (JSON of all outputs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value (in the answer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference (a link)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transmission mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Execution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} cannot be read: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} is too large for an execution request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} is not JSON: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} is not an execution request (not a JSON object)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}: process_id is not text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}: {key} has the wrong type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}: response is neither raw nor document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}: mode is neither async nor sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request is for the process {other}, not {process}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{process} has no output named {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Using the execution request {file}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A local file (sent by value) or an http(s) URL (sent as a link).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A layer (sent as inline GeoJSON) or an http(s) URL (sent as a link).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent as ISO 8601 in UTC.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s result is too large ({size} bytes, at most {limit})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server sent several results in one multipart answer, which Geodock cannot read: ask for a document response (or one output)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field {key!r} is a {type}, not text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the item has no usable {key!r}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field {key!r} is not a whole number ({value!r})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field &apos;srid&apos; is not a CRS code ({value!r})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the item is a {type}, not an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The login answered without a usable access token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: its processes could not be described: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: {count} processes described</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not list the choices: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter what the server lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing the filters of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing filter choices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State: {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started: {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished: {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results: {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a job to see its details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload a layer of the project to a platform that takes uploads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No platform Geodock knows takes uploads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All projects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot tell which project dataset {name} belongs to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset / type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An OGC CQL filter on the items&apos; fields, e.g.:
{examples}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Execution Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request saved to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving the request of {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Execution Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file} is for the process {id}, which this server does not list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose again: {inputs}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The execution request cannot be opened (details in the Geodock log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running {title} again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the job {job} ({title}) on {connection}?

The server forgets the job and its results. Files Geodock downloaded stay where they are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete Job on the Server?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The job {job} was deleted on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleting the job {job}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished">Envoi…</translation>
    </message>
    <message>
        <source>Removed from the Jobs list: Geodock no longer follows it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Execute options</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The outputs the server returns (all when every one is checked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document (outputs by name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raw (the data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the server answers with the results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Values (inline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>References (links)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whether the chosen outputs come inline or as links to download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the process allows (its job control options)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transmission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check at least one output to return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>West</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>South</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>East</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>North</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map canvas extent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer extent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the selected value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes</source>
        <translation type="unfinished">Oui</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run again: the same request, as a new job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the finished job on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the results as text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add the job&apos;s result layers to the map again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List only the jobs in this state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the jobs the server knows, started here or elsewhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watch the chosen job in the Jobs dock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the chosen finished job on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the next page of jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading jobs…</source>
        <translation type="unfinished">Chargement des tâches…</translation>
    </message>
    <message>
        <source>Listing jobs</source>
        <translation type="unfinished">Liste des tâches</translation>
    </message>
    <message>
        <source>The server lists no jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The media type of the linked data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer (GeoJSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{input}: check at least one layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload to {platform}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not find a free folder name for {name} in {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered a chunk without a readable upload id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered for another upload ({theirs}, not {ours}): the upload is stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud says it holds {theirs} bytes where {ours} were sent: the upload is stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The upload broke off at {percent} %: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The upload is not finished: it cannot be completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is too big to be sent in one request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the AmigoCloud project the new dataset goes to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{project} is not an AmigoCloud project id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This connection&apos;s token reaches its own project only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is empty: there is nothing to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud took the file without naming its import job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud could not import {name}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new dataset needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file of the interrupted upload is gone: upload the layer again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The import failed on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the import succeeded without naming the dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} is a Geobox view: views are read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You may not change {title} on Geobox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} is read-only on Geobox (editing is off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox answered a features page that is not GeoJSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: stopped after an earlier failure ({error})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload to AmigoCloud…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} is not a copy fetched by Geodock: it does not know which server it came from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Geodock connection named {name}: add it (or rename one) to sync {layer}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open {file} to bring the server&apos;s changes in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing has the id {ref} here: check it (it stays listed, and cannot be exported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{ref} (not found)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raster attribute tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deleted here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deleted on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{here}, {there}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mine: {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>theirs: {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The geometry differs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The values are the same; the server&apos;s version of the feature is newer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflicts with the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} feature(s) of {layer} changed on the server since your copy was fetched or last synced. Choose for each which version to keep: nothing is sent until you apply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep all mine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take all theirs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feature {fid} (server id {sid})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep mine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take theirs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} saved to the server: {added} added, {changed} changed, {deleted} deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from the server: {added} added, {changed} changed, {deleted} deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feature {fid} ({kind}): {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} edit(s) to {layer} were not saved to the server. They stay local changes of the copy: Geodock ▸ Sync with Server in the layer's menu (or the next save) sends them again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>and {count} more (see the Geodock log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer}: {error} Your edits stay in the copy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock: saving {layer} to the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing of {layer} was sent to the server: your edits stay in the copy. Geodock ▸ Sync with Server in the layer's menu asks again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock: may {layer} be changed on the server?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>new features</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deletions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} takes no {what} on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> or </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reason}: editing {layer} is stopped, since its edits could not be saved to the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reason}: your edits to {layer} will stay in this copy only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save or discard your edits to {layer} first: Reload from Server reads the saved copy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} is being synced: try again when it is done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock: reloading {layer} from the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} reloaded from the server: {added} added, {changed} changed, {deleted} deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} feature(s) keep your edits not yet sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload from Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync with Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edits to {layer} stay in this local copy: Geodock cannot send them to its platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a layer fetched by Geodock first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock cannot send edits to the platform of {layer}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} is read-only on AmigoCloud (you may view it, not edit it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered an SQL write without rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The feature is no longer on AmigoCloud (deleted there meanwhile)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud answered without the new feature&apos;s key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} got shorter while it was being sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox answered without a readable id for the new feature</source>
        <translation>Geobox a répondu sans identifiant lisible pour la nouvelle entité</translation>
    </message>
    <message>
        <source>Changed while validating: validate again.</source>
        <translation>Modifié pendant la validation : validez à nouveau.</translation>
    </message>
</context>
<context>
    <name>AmigoCloudSqlAlgorithm</name>
    <message>
        <source>AmigoCloud SQL query to layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud</source>
        <translation>AmigoCloud</translation>
    </message>
    <message>
        <source>Runs a read (SELECT) query through the SQL API of an AmigoCloud project, following the cursor through every page, and writes the rows to a layer. The geometry comes from a geometry column or from a ST_AsGeoJSON(...) column; tables are named dataset_&lt;id&gt;. Only one read statement is run here (SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN, with no data-modifying part); anything else is refused: use the SQL console.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud connection (name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Project id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQL query</source>
        <translation>Requête SQL</translation>
    </message>
    <message>
        <source>Query result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only read queries can make a layer; run writes in the SQL console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} rows had another geometry type and were left out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} rows</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AmigoCloudUploadAlgorithm</name>
    <message>
        <source>Upload layer to AmigoCloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud</source>
        <translation type="unfinished">AmigoCloud</translation>
    </message>
    <message>
        <source>Uploads a vector layer to a new dataset of an AmigoCloud project. The layer is written to a GeoPackage first; a file of 8 MB or more is sent in chunks, and a chunk whose connection breaks is sent again from where the server stands. Waits until AmigoCloud has imported the dataset and returns its id. PROJECT is the project&apos;s id (empty: the project of a project-token connection).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AmigoCloud connection (name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer to upload</source>
        <translation type="unfinished">Couche à téléverser</translation>
    </message>
    <message>
        <source>Project id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chunk size (MiB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layer to upload could not be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading {layer} to {connection} as {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset {id} is ready</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AmigoCloudUploadDialog</name>
    <message>
        <source>Upload to AmigoCloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished">Annuler</translation>
    </message>
    <message>
        <source>Cancel the upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload</source>
        <translation type="unfinished">Téléverser</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the rest of the interrupted upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished">Connexion</translation>
    </message>
    <message>
        <source>Project</source>
        <translation type="unfinished">Projet</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished">Couche</translation>
    </message>
    <message>
        <source>Dataset name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add an AmigoCloud connection first (Geodock ▸ Connections…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This connection&apos;s project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading projects…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing AmigoCloud projects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This connection sees no project: create one on AmigoCloud first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a connection, a project and a vector layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new dataset needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading {layer}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading {layer} to AmigoCloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resuming {name} at {percent} %…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resuming the upload of {name} to AmigoCloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset {id} is ready on AmigoCloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload cancelled</source>
        <translation type="unfinished">Téléversement annulé</translation>
    </message>
</context>
<context>
    <name>AuthStyleBox</name>
    <message>
        <source>&amp;Authentication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Header name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameter name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Login URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>token URL, e.g. https://example.com/auth/token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is sent, whatever the credentials below hold.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The credentials below: a Basic configuration&apos;s user name and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token in the password field of the Basic configuration below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key in the password field of the Basic configuration below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key in the password field of the Basic configuration below. A key in a URL can end up in server logs: prefer a header where the server takes one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name and password of the Basic configuration below go to the login URL; the token it answers is kept in memory only, goes to this connection&apos;s server only, and is renewed on a 401.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QGIS applies the configuration below itself (Basic, OAuth2, PKI…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sends {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>what the platform expects</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CatalogDock</name>
    <message>
        <source>Geodock Catalog</source>
        <translation>Catalogue Geodock</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Kind of resource</source>
        <translation>Type de ressource</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>Trier par</translation>
    </message>
    <message>
        <source>Search on the server…</source>
        <translation>Rechercher sur le serveur…</translation>
    </message>
    <message>
        <source>No connection yet: add one with Geodock ▸ Connections…</source>
        <translation>Aucune connexion : ajoutez-en une avec Geodock ▸ Connexions…</translation>
    </message>
    <message>
        <source>Default order</source>
        <translation>Ordre par défaut</translation>
    </message>
    <message>
        <source>No search for this kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Descending</source>
        <translation>Décroissant</translation>
    </message>
    <message>
        <source>Ascending</source>
        <translation>Croissant</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>{shown:,} shown, then an error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing listed</source>
        <translation>Rien à afficher</translation>
    </message>
    <message>
        <source>{shown:,} of {total:,}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown:,} shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, more below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n:,} unreadable skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loading more…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load: {message}</source>
        <translation>Chargement impossible : {message}</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
</context>
<context>
    <name>CatalogModel</name>
    <message>
        <source>Listing {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing cancelled</source>
        <translation>Liste annulée</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Could not load: {message}</source>
        <translation>Chargement impossible : {message}</translation>
    </message>
    <message>
        <source>{message}
Double-click or press Retry to try again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionEditor</name>
    <message>
        <source>Edit Connection — {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Connection</source>
        <translation>Nouvelle connexion</translation>
    </message>
    <message>
        <source>A name to recognise this connection by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Nom</translation>
    </message>
    <message>
        <source>&amp;Kind</source>
        <translation>&amp;Type</translation>
    </message>
    <message>
        <source>&amp;URL</source>
        <translation>&amp;URL</translation>
    </message>
    <message>
        <source>Credentials</source>
        <translation>Identifiants</translation>
    </message>
    <message>
        <source>e.g. {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No scheme given: the URL is taken as https://</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionsDialog</name>
    <message>
        <source>Geodock Connections</source>
        <translation>Connexions Geodock</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Credentials</source>
        <translation>Identifiants</translation>
    </message>
    <message>
        <source>No connections yet. Add one with &lt;b&gt;Add…&lt;/b&gt;, or load a connections file with &lt;b&gt;Import…&lt;/b&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Ajouter…</translation>
    </message>
    <message>
        <source>Add a new connection</source>
        <translation>Ajouter une nouvelle connexion</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Modifier…</translation>
    </message>
    <message>
        <source>Edit the selected connection</source>
        <translation>Modifier la connexion sélectionnée</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>Remove the selected connection</source>
        <translation>Supprimer la connexion sélectionnée</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>Make one request with the selected connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importer…</translation>
    </message>
    <message>
        <source>Load connections from a JSON file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xporter…</translation>
    </message>
    <message>
        <source>Save all connections to a JSON file (never their credentials)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation>Aucun</translation>
    </message>
    <message>
        <source>Requests are sent without credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing ({})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authentication configuration {} is not in this QGIS: edit the connection to pick another</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>Authentication configuration “{}” ({}, id {})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved connection “{}”</source>
        <translation>Connexion « {} » enregistrée</translation>
    </message>
    <message>
        <source>Remove the connection “{}”?</source>
        <translation>Supprimer la connexion « {} » ?</translation>
    </message>
    <message>
        <source>{count} job(s) follow through it ({titles}): they will wait until a connection of this name is added again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove Connection</source>
        <translation>Supprimer la connexion</translation>
    </message>
    <message>
        <source>Removed connection “{}”</source>
        <translation>Connexion « {} » supprimée</translation>
    </message>
    <message>
        <source>Import Connections</source>
        <translation>Importer des connexions</translation>
    </message>
    <message>
        <source>Connections (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import of {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>Échec de l'import</translation>
    </message>
    <message>
        <source>({} updated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{} certificate authorities trusted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its {} certificate authorities were not trusted: HTTPS sites that rely on them will fail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Connections</source>
        <translation>Exporter les connexions</translation>
    </message>
    <message>
        <source>Export to {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Échec de l'export</translation>
    </message>
    <message>
        <source>Exported {} connection(s) to {} (credentials are not exported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connexions</translation>
    </message>
    <message>
        <source>Imported {} connection(s) from {}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CreateEmptyLayerDialog</name>
    <message>
        <source>Create empty remote layer</source>
        <translation>Créer une couche distante vide</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Add field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Créer</translation>
    </message>
    <message>
        <source>Geobox connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Geometry type</source>
        <translation>Type de géométrie</translation>
    </message>
    <message>
        <source>Fields from layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a Geobox connection and a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating {name}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating remote layer {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote layer created ({uuid})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the fields and geometry type of this layer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExecuteProcessAlgorithm</name>
    <message>
        <source>Execute an OGC API process</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OGC API – Processes</source>
        <translation>OGC API – Processus</translation>
    </message>
    <message>
        <source>Runs a process of an OGC API – Processes connection and waits for its job. INPUTS is a JSON object of the process inputs; a GeoJSON input may be given as a layer id, layer name or file path (sent as a FeatureCollection in the CRS the process expects, EPSG:4326 by default), a bounding box as 'xmin,xmax,ymin,ymax [EPSG:code]', a file as a path (sent by value) or a URL (by link). GeoJSON results become layers, links are downloaded, and all outputs are written to the results JSON. Cancelling dismisses the job on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection (name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inputs (JSON object)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>INPUTS is not valid JSON: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>INPUTS must be a JSON object of input names and values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Process id (or the REQUEST_FILE&apos;s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the process: PROCESS, or a REQUEST_FILE that names it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FetchLayerAlgorithm</name>
    <message>
        <source>Fetch remote layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Données</translation>
    </message>
    <message>
        <source>Geodock connection (name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer, table or dataset id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extent</source>
        <translation>Emprise</translation>
    </message>
    <message>
        <source>Fetched layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching {title} ({kind})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The fetched copy of {title} could not be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} features fetched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copies every feature and attribute of a remote vector layer, view, table or dataset into a layer, given its id (or uuid) on the connection&apos;s platform. An extent keeps only the features that intersect it. Tables give attribute-only output. A GeoPackage output records where it came from (the connection&apos;s name and the resource&apos;s id, never a secret), so that it can be synchronised with the server later (Sync edits with server).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The output is not a GeoPackage: it cannot be synchronised with the server</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GeoboxExportAlgorithm</name>
    <message>
        <source>Geobox export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exports</source>
        <translation>Exports</translation>
    </message>
    <message>
        <source>Exports a Geobox vector layer (by uuid) as a server task in the chosen format and CRS, optionally limited to an extent, waits for the task, and downloads (and safely unpacks) the file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox connection (name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vector layer uuid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Output CRS</source>
        <translation>SCR de sortie</translation>
    </message>
    <message>
        <source>Extent</source>
        <translation>Emprise</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Dossier de sortie</translation>
    </message>
    <message>
        <source>Downloaded file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is not a Geobox connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export task ended {state}: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
</context>
<context>
    <name>GeoboxUploadAlgorithm</name>
    <message>
        <source>Upload layer to Geobox</source>
        <translation>Téléverser une couche vers Geobox</translation>
    </message>
    <message>
        <source>Geobox</source>
        <translation>Geobox</translation>
    </message>
    <message>
        <source>Uploads a vector layer to a Geobox connection and publishes it as a new remote vector layer. A layer that is a GeoPackage table is sent as it is; any other layer is written to a GeoPackage first. Returns the uuid of the new remote layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geobox connection (name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer to upload</source>
        <translation>Couche à téléverser</translation>
    </message>
    <message>
        <source>Remote layer name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote layer uuid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layer to upload could not be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading {layer} to {connection} as {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Published as {uuid}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GeodockAlgorithm</name>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>No Geodock connection named {name!r} (known {title} connections: {known})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is not a {title} connection</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportConnectionsAlgorithm</name>
    <message>
        <source>Import connections</source>
        <translation>Importer des connexions</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connexions</translation>
    </message>
    <message>
        <source>Connections file</source>
        <translation>Fichier de connexions</translation>
    </message>
    <message>
        <source>Trust the file&apos;s certificate authorities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections imported</source>
        <translation>Connexions importées</translation>
    </message>
    <message>
        <source>Certificate authorities trusted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported {name} ({kind}) at {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>certificate authority {subject} (SHA-256 {sha256}) from {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trusted {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not trusted (TRUST_CERTIFICATES is not set): {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imports Geodock connections from a JSON file {&quot;connections&quot;: [{&quot;name&quot;, &quot;kind&quot;, &quot;url&quot;, &quot;authcfg&quot;}]}. An entry may carry &quot;credentials&quot; ({&quot;token&quot;}, {&quot;apikey&quot;} or {&quot;username&quot;, &quot;password&quot;}): they are stored as a new configuration in the QGIS authentication database, never in the settings. Headless runs unlock that database with QGIS_AUTH_PASSWORD_FILE. Connections of the same name are updated. The certificate authorities the file names (&quot;certificate_authorities&quot;: [PEM files]) are added to QGIS's trusted certificates only with “Trust the file's certificate authorities”: a trusted authority vouches for any HTTPS site, in QGIS and every plugin. The processes of the OGC API – Processes connections imported are described, so that each is an algorithm of its own (in qgis_process, from the next call on); a server that cannot be reached is reported and offers none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Process algorithms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KoordinatesExportAlgorithm</name>
    <message>
        <source>Koordinates export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exports</source>
        <translation>Exports</translation>
    </message>
    <message>
        <source>Creates an export of Koordinates layers and tables on the server, waits for it, downloads the archive (resuming a dropped download) and unpacks it safely. ITEMS are item ids (5, tables/5) or API URLs, comma-separated. FORMAT is the format value (e.g. application/x-ogc-gpkg), used for every kind of data that accepts it. The optional EXTENT crops the export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Koordinates connection (name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Items (ids or URLs, comma-separated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Crop extent</source>
        <translation>Emprise de découpage</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Dossier de sortie</translation>
    </message>
    <message>
        <source>Downloaded archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extracted data files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is not a Koordinates connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give at least one item id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server offers no format {fmt}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export is invalid: {reasons}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export {id} created; waiting for it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export ended {state}: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Downloaded {archive}: {count} data file(s)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LiveLayerDialog</name>
    <message>
        <source>Add live AmigoCloud layer</source>
        <translation>Ajouter une couche AmigoCloud en direct</translation>
    </message>
    <message>
        <source>Datasets with realtime events are marked ●.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projet</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add an AmigoCloud connection first (Geodock ▸ Connections…)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProcessesDock</name>
    <message>
        <source>Geodock Processes</source>
        <translation>Processus Geodock</translation>
    </message>
    <message>
        <source>OGC API – Processes connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search processes…</source>
        <translation>Rechercher des processus…</translation>
    </message>
    <message>
        <source>Execute</source>
        <translation>Exécuter</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Ignorer</translation>
    </message>
    <message>
        <source>Cancel the job on the server</source>
        <translation>Annuler la tâche sur le serveur</translation>
    </message>
    <message>
        <source>No OGC API – Processes connection yet: add one under Connections…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>Chargement de {name}…</translation>
    </message>
    <message>
        <source>not declared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supports: {classes}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Loading {name}</source>
        <translation>Chargement de {name}</translation>
    </message>
    <message>
        <source>Describing {id}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Describing {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Executing {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Geodock: {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server jobs</source>
        <translation type="unfinished">Tâches du serveur</translation>
    </message>
    <message>
        <source>Open an execution request (JSON) into the form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the form&apos;s execution request as JSON</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RefreshProcessesAlgorithm</name>
    <message>
        <source>Refresh remote process algorithms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections</source>
        <translation type="unfinished">Connexions</translation>
    </message>
    <message>
        <source>Asks the servers of the OGC API – Processes connections (or of the one named in CONNECTION) for their processes and describes each, so that every process is an algorithm of its own. Geodock does this by itself in the desktop when a connection is added; headless (qgis_process), run it (or Import connections, which does it for the connections it imports): the next qgis_process call lists the algorithms. A connection whose server cannot be reached offers none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection (name; empty: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Process algorithms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections that failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished">aucun</translation>
    </message>
    <message>
        <source>No connection named {name!r} with remote processes (known: {known})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReloadFromServerAlgorithm</name>
    <message>
        <source>Reload fetched copy from server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Brings the server&apos;s changes into a copy fetched by &apos;Fetch remote layer&apos;, in place (same file and layer: styles, joins and project references stay). Features edited locally keep their edits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetched copy (GeoPackage layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResourceDetails</name>
    <message>
        <source>Details of {title}</source>
        <translation>Détails de {title}</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Thumbnail</source>
        <translation>Vignette</translation>
    </message>
</context>
<context>
    <name>SqlConsole</name>
    <message>
        <source>AmigoCloud SQL console</source>
        <translation>Console SQL AmigoCloud</translation>
    </message>
    <message>
        <source>Add an AmigoCloud connection first (Geodock ▸ Connections…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History…</source>
        <translation>Historique…</translation>
    </message>
    <message>
        <source>Project {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an AmigoCloud connection and project first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a query first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>En cours…</translation>
    </message>
    <message>
        <source>{held} of {total} rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{held} rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(scroll for more)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} rows affected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Arrêtée</translation>
    </message>
    <message>
        <source>Loading every row…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQL result ({project})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The result could not be loaded as a layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added {name}: {n} features</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncEditsAlgorithm</name>
    <message>
        <source>Sync edits with server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sends the edits made to a copy fetched by &apos;Fetch remote layer&apos; (with any tool, offline or not) to its server, then brings the server&apos;s changes into the copy, in place. A feature changed both here and on the server since the copy was made is a conflict: Stop sends nothing and lists them; Keep mine sends the local version; Take theirs keeps the server&apos;s. An edit the server refuses stays a local change (FAILED), with the reason in the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetched copy (GeoPackage layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished">Arrêter</translation>
    </message>
    <message>
        <source>Keep mine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take theirs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict on feature {fid} (server id {sid}): {local} here, {server} on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was sent: choose Keep mine or Take theirs to resolve the conflicts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feature {fid} was not saved: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent: {a} added, {c} changed, {d} deleted. From the server: {pa} added, {pc} changed, {pd} deleted</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UploadDialog</name>
    <message>
        <source>Upload to Geobox</source>
        <translation>Téléverser vers Geobox</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Téléverser</translation>
    </message>
    <message>
        <source>Geobox connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Couche</translation>
    </message>
    <message>
        <source>Remote name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a Geobox connection first (Geodock ▸ Connections…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>Choose a Geobox connection and a vector layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote layer needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading {layer}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading {layer} to Geobox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Published on {connection} as {uuid}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload cancelled</source>
        <translation>Téléversement annulé</translation>
    </message>
    <message>
        <source>Replace the local layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Once published, the remote layer takes the local layer&apos;s place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished">Annuler</translation>
    </message>
    <message>
        <source>Cancel the upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRS {crs}: sent as it is; Geobox stores layers in EPSG:4326.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_CopyAlgorithm</name>
    <message>
        <source>Data</source>
        <translation type="unfinished">Données</translation>
    </message>
</context>
<context>
    <name>_ProcessAlgorithmBase</name>
    <message>
        <source>Results folder</source>
        <translation>Dossier des résultats</translation>
    </message>
    <message>
        <source>Results (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job id</source>
        <translation>Identifiant de la tâche</translation>
    </message>
</context>
</TS>
