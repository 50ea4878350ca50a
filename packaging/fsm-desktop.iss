; FSM Desktop: the Windows installer (Inno Setup 6), wrapping the one-folder PyInstaller build
; dist\fsm-desktop\ (packaging\fsm-desktop.spec) as it is. Built by .github/workflows/windows.yml,
; or by hand from the repository's root after the build (docs/install.md):
;
;     iscc /DAppVersion=0.2.0 packaging\fsm-desktop.iss
;
; The file is UTF-8 with a byte-order mark: without it iscc reads it in the machine's code page
; and the Danish letters come out wrong. AppVersion is pyproject.toml's version (the one number; the workflow reads it from there);
; it must be numeric, X.Y.Z, as it is also the file version of the installer.
;
; What it does, for IT (docs/install.md): installs for every user of the machine (admin rights)
; in C:\Program Files\FSM Desktop, a Start-menu entry, .fsm files open with the program and show
; its icon, "FSM Desktop" with its version and publisher in Programmer og funktioner. Silent:
;
;     fsm-desktop-0.2.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/LOG=install.log]
;     "C:\Program Files\FSM Desktop\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; Uninstalling removes what was installed and the association, nothing else: projects (.fsm),
; their backups, the user's settings and log are the users' and stay where they are.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\fsm-desktop.iss (pyproject.toml's version)
#endif

#define AppName "FSM Desktop"
#define AppExe "fsm-desktop.exe"
#define AppIcon "fsm-desktop.ico"
; The .fsm association's programmatic identifier: <Program>.<Type>, as Windows asks.
#define ProgId "FSMDesktop.Project"
; Paths are relative to this script's folder, packaging\.
#define BuildDir "..\dist\fsm-desktop"

[Setup]
; Fixed for every version: it is how an upgrade finds the installed program. Never change it.
AppId={{5C438977-8F31-416A-9327-7F2B9FB9AA04}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=FSM Desktop
AppComments=Følg en beskæftigelsesindsats måned for måned – også uden netværk.
; Per machine, for every user: IT installs it, users cannot change it.
PrivilegesRequired=admin
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
; Python, Qt and the program are 64-bit builds.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Tell Explorer the .fsm association changed (the icon and "Open" without logging off).
ChangesAssociations=yes
; Setup asks a running FSM Desktop to close (Windows' Restart Manager) before it replaces its
; files, and never restarts Windows itself.
CloseApplications=yes
RestartApplications=no
SetupIconFile=..\resources\icons\{#AppIcon}
UninstallDisplayIcon={app}\{#AppIcon}
UninstallDisplayName={#AppName}
OutputDir=..\dist\installer
OutputBaseFilename=fsm-desktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The installer's own file properties (Egenskaber → Detaljer).
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoProductVersion={#AppVersion}
VersionInfoDescription={#AppName} {#AppVersion} – installation
VersionInfoCompany=FSM Desktop
VersionInfoCopyright=FSM Desktop

[Languages]
Name: "danish"; MessagesFile: "compiler:Languages\Danish.isl"

[Tasks]
; Unchecked: a silent install (/VERYSILENT) makes no desktop shortcut unless /TASKS=desktopicon.
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: the program, _internal\ (Python, Qt, the libraries, resources)
; and licenses\ (every notice). Qt's libraries stay separate files so they can be replaced
; (LGPL-3.0; docs/install.md).
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The icon of .fsm files and of the entry in Programmer og funktioner.
Source: "..\resources\icons\{#AppIcon}"; DestDir: "{app}"; Flags: ignoreversion
; What changed, for the users (in Danish), as a text file Notepad opens.
Source: "..\CHANGELOG.md"; DestDir: "{app}"; DestName: "Ændringer.txt"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppIcon}"; Comment: "Følg en beskæftigelsesindsats måned for måned"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppIcon}"; Tasks: desktopicon

[Registry]
; .fsm files open with the program: under HKA, which is HKLM\Software\Classes for this
; per-machine install. The extension's default value and the ProgID go at uninstall; a user's
; own choice of program for .fsm (HKCU, "Åbn med") is never touched.
Root: HKA; Subkey: "Software\Classes\.fsm"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\.fsm\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "FSM-projekt"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppIcon},0"
; fsm-desktop --db FILE opens the project in the window (an encrypted one asks for its password).
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --db ""%1"""
; The program as a choice in "Åbn med", by its name.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".fsm"; ValueData: ""

[Run]
; Offered at the end of an interactive install only; never after a silent one.
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes exactly what [Files], [Icons] and [Registry]
; installed. Projects (.fsm), their backups (.fsm.bak-…, the daily ones in the backup folder),
; the settings (HKCU\Software\fsm-desktop) and the log and demo in the user's data folder
; (%APPDATA%\fsm-desktop\FSM Desktop) stay.
