; Inno Setup 6 script: installs the one-folder build (dist\megacase: PyInstaller with packaging\megacase.spec, on Windows)
; for the current user, without administrator rights, in %LOCALAPPDATA%\Programs\MegaCase.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\megacase.iss
;   -> dist\megacase-0.1.0-windows-setup.exe
;
; Start menu shortcut to megacase-gui.exe (the window, no console), optional desktop shortcut,
; and an uninstaller (Settings > Apps, or the Start menu). The registers in
; %LOCALAPPDATA%\MegaSecurity\MegaCase and the keys in Windows Credential Manager are never removed.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "MegaCase"
#define AppPublisher "Mega Security"
#define BuildDir "..\..\dist\megacase"

[Setup]
; The AppId identifies the product for upgrades and uninstall: never change it.
AppId={{C69768D6-5C78-4761-A5B7-0BA1145FFD79}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppComments=Data subject request case management
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per user: no UAC prompt; {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=megacase-{#AppVersion}-windows-setup
SetupIconFile=..\..\resources\icons\megacase.ico
UninstallDisplayIcon={app}\megacase-gui.exe
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; An upgrade closes a running MegaCase first (its register must not be open while files change).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "nl"; MessagesFile: "compiler:Languages\Dutch.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole application folder: no module of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\megacase-gui.exe"; WorkingDir: "{app}"; Comment: "Data subject requests"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\megacase-gui.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\megacase-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
