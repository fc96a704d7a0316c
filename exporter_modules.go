package main

import (
	"bytes"
	"cmp"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// defaultModule is the module a scrape without ?module= uses, and the only
// one when no configuration file is given.
const defaultModule = "default"

// defaultDeadline is a module's deadline when the file sets none: the
// command line's default --deadline.
const defaultDeadline = 60 * time.Second

// modules are the named probe settings a scrape chooses from with
// ?module=. loadModules makes them: it also reads the password and CA files.
type modules map[string]module

// module is how to diagnose a target, as the command line's flags say it.
// In the file, a setting left out takes its default, as the flag does.
type module struct {
	Mode         probe.ModeChoice `yaml:"mode"`          // implicit, explicit, both or auto; default: from the target, as on the command line
	Port         int              `yaml:"port"`          // port for a target that names none (HOST becomes HOST:port); 0 = none
	ImplicitPort int              `yaml:"implicit_port"` // implicit TLS port for a bare HOST; 0 = 990
	ExplicitPort int              `yaml:"explicit_port"` // explicit TLS port for a bare HOST; 0 = 21
	Timeout      time.Duration    `yaml:"timeout"`       // limit for each step; default 10s
	Deadline     time.Duration    `yaml:"deadline"`      // limit for the whole diagnosis, within the scrape's; default 60s (see scrapeBudget)
	ServerName   string           `yaml:"servername"`    // SNI and certificate name; default: the target host
	CAFile       string           `yaml:"ca_file"`       // PEM roots trusted besides the system's
	User         string           `yaml:"user"`          // login name; default anonymous
	PasswordFile string           `yaml:"password_file"` // file whose first line is User's password
	Scan         bool             `yaml:"scan"`          // also run the TLS audit (--scan)
	CCC          bool             `yaml:"ccc"`           // also test CCC (--ccc)
	MaxConns     int              `yaml:"max_conns"`     // connections at once for the scan; default 8
	Transfers    int              `yaml:"transfers"`     // protected listings in one session (--transfers); default 3
	WarnDays     int              `yaml:"-"`             // warn_days (see moduleFile): warn when the certificate expires within this many days; default 30
	CritDays     int              `yaml:"-"`             // crit_days (see moduleFile): critical within this many days; default 7, or warn_days when lower
	Ignore       []string         `yaml:"ignore"`        // finding ids accepted as known: reported as ignored, not counted in the status
	Allow        allowFile        `yaml:"allow"`         // hosts and ports this module may probe; default: any

	// Password is read from PasswordFile at load time. It formats as
	// "****" so that no log line can show it.
	Password secret `yaml:"-"`

	roots *x509.CertPool // system roots plus CAFile; nil = the system's
	allow allowList      // Allow, parsed
}

// secret is a string that fmt never shows.
type secret string

// Format writes "****" whatever the verb.
func (secret) Format(f fmt.State, _ rune) { io.WriteString(f, "****") }

// configFile is the configuration file.
type configFile struct {
	Modules map[string]moduleFile `yaml:"modules"`
}

// moduleFile is a module as written in the file, where a left-out
// warn_days or crit_days (a default) differs from one set to 0.
type moduleFile struct {
	module   `yaml:",inline"`
	WarnDays *int `yaml:"warn_days"`
	CritDays *int `yaml:"crit_days"`
}

// defaultModules is what runs without a configuration file.
func defaultModules() modules {
	return modules{defaultModule: {Timeout: defaultTimeout, Deadline: defaultDeadline, MaxConns: defaultMaxConns, WarnDays: probe.DefaultWarnDays, CritDays: probe.DefaultCritDays}}
}

// loadModules reads the modules from a YAML file:
//
//	modules:
//	  ftpes_alice:
//	    mode: explicit        # implicit, explicit, both or auto; default: from the target
//	    port: 2121            # for targets that name no port
//	    timeout: 5s           # per step
//	    deadline: 20s         # the whole diagnosis
//	    servername: ftp.example.com
//	    ca_file: /etc/ftpsdiag/corp-root.pem
//	    user: alice
//	    password_file: /etc/ftpsdiag/alice.pass
//	    scan: false
//	    ccc: false
//	    max_conns: 8
//	    transfers: 3
//	    warn_days: 30
//	    crit_days: 7          # default 7, or warn_days when lower
//	    ignore: [epsv-unsupported]
//	    allow:
//	      hosts: [ftp.example.com, 192.0.2.0/24]
//	      ports: [21, 2121-2130]
//
// It reads the CA and password files at once, so that a mistake shows at
// start-up rather than at the first scrape. An empty path gives the single
// module "default" with the command line's defaults.
func loadModules(path string) (modules, error) {
	if path == "" {
		return defaultModules(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file configFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, b, err)
	}
	if len(file.Modules) == 0 {
		return nil, fmt.Errorf("%s: no modules: want modules: {NAME: {mode: ..., ...}}", path)
	}
	mods := make(modules, len(file.Modules))
	for _, name := range slices.Sorted(maps.Keys(file.Modules)) { // the first error does not depend on map order
		mf := file.Modules[name]
		m := mf.module
		m.WarnDays = probe.DefaultWarnDays
		if mf.WarnDays != nil {
			m.WarnDays = *mf.WarnDays
		}
		m.CritDays = min(probe.DefaultCritDays, m.WarnDays) // as on the command line: a low warn_days lowers both
		if mf.CritDays != nil {
			m.CritDays = *mf.CritDays
		}
		if err := m.load(); err != nil {
			return nil, fmt.Errorf("%s: module %q: %w", path, name, err)
		}
		mods[name] = m
	}
	return mods, nil
}

// load checks m, fills in defaults, and reads its CA and password files.
func (m *module) load() error {
	switch m.Mode {
	case probe.ModeDefault, probe.ModeImplicit, probe.ModeExplicit, probe.ModeBoth, probe.ModeAuto:
	default:
		return fmt.Errorf("mode %q: want implicit, explicit, both or auto", m.Mode)
	}
	for _, p := range []struct {
		key  string
		port int
	}{{"port", m.Port}, {"implicit_port", m.ImplicitPort}, {"explicit_port", m.ExplicitPort}} {
		if p.port < 0 || p.port > 65535 {
			return fmt.Errorf("%s %d: want a port from 1 to 65535", p.key, p.port)
		}
	}
	switch {
	case m.Port != 0 && (m.ImplicitPort != 0 || m.ExplicitPort != 0):
		return errors.New("port and implicit_port/explicit_port exclude each other: port makes every target HOST:port")
	case m.Timeout < 0:
		return fmt.Errorf("timeout %s: want a positive duration such as 10s", m.Timeout)
	case m.Deadline < 0:
		return fmt.Errorf("deadline %s: want a positive duration such as 30s", m.Deadline)
	case m.MaxConns < 0 || m.MaxConns > 64:
		return fmt.Errorf("max_conns %d: want 1 to 64", m.MaxConns)
	case m.Transfers < 0 || m.Transfers > probe.MaxTransfers:
		return fmt.Errorf("transfers %d: want 1 to %d", m.Transfers, probe.MaxTransfers)
	case m.WarnDays < 0:
		return fmt.Errorf("warn_days %d: must not be negative", m.WarnDays)
	case m.CritDays < 0 || m.CritDays > m.WarnDays:
		return fmt.Errorf("crit_days %d: want 0 to warn_days (%d)", m.CritDays, m.WarnDays)
	case m.User == "" && m.PasswordFile != "":
		return errors.New("password_file needs user")
	case m.User != "" && m.PasswordFile == "":
		return errors.New("user needs password_file")
	}
	for _, id := range m.Ignore {
		if !cause.Known(id) {
			return fmt.Errorf("ignore %q: no such finding id (ftpsdiag findings lists them)", id)
		}
	}
	if m.Timeout == 0 {
		m.Timeout = defaultTimeout
	}
	m.Deadline = cmp.Or(m.Deadline, defaultDeadline)
	if m.MaxConns == 0 {
		m.MaxConns = defaultMaxConns
	}
	var err error
	if m.allow, err = parseAllow(m.Allow); err != nil {
		return fmt.Errorf("allow: %w", err)
	}
	if m.roots, err = loadRoots("ca_file", m.CAFile); err != nil {
		return err
	}
	if m.PasswordFile != "" {
		var pw string
		pw, err = readPassword("password_file", m.PasswordFile)
		m.Password = secret(pw)
	}
	return err
}

// config is the probe configuration for target under m.
func (m module) config(target probe.Target, tool string) probe.Config {
	cfg := probe.Config{
		Target:     target,
		Mode:       m.Mode,
		ServerName: m.ServerName,
		Roots:      m.roots,
		Timeout:    m.Timeout,
		WarnDays:   m.WarnDays,
		CritDays:   m.CritDays,
		Ignore:     m.Ignore,
		User:       m.User,
		Password:   string(m.Password),
		CCC:        m.CCC,
		Scan:       m.Scan,
		MaxConns:   m.MaxConns,
		Transfers:  m.Transfers,
		Tool:       tool,
	}
	if target.Port == 0 {
		cfg.Target.Port = m.Port
		cfg.ImplicitPort, cfg.ExplicitPort = m.ImplicitPort, m.ExplicitPort
	}
	return cfg
}
