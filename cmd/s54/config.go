package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/report"
)

// config is the optional s54.yaml: in the data directory, or --config.
type config struct {
	// Regions add to or replace (by id) the built-in regions.
	Regions []region.Region `yaml:"regions"`
	// Crawl settings (s54 crawl --help).
	Crawl crawlConfig `yaml:"crawl"`
	// Web settings (s54 serve).
	Web webConfig `yaml:"web"`
	// Email: where s54 report --email and the scheduler send reports.
	Email report.MailConfig `yaml:"email"`
	// Schedule: when s54 serve crawls and reports.
	Schedule scheduleConfig `yaml:"schedule"`
}

// configFile is the config's name in the data directory.
const configFile = "s54.yaml"

// loadConfig reads --config, else s54.yaml in the data directory when it
// exists. An unknown key is an error, so a misspelt setting is not
// silently ignored.
func (g *globals) loadConfig() (*config, error) {
	path, explicit := g.config, g.config != ""
	if !explicit {
		path = filepath.Join(g.data, configFile)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return &config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c config
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	if err := c.Web.validate(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return &c, nil
}

// regions returns the built-in regions with the config's laid over them.
func (g *globals) regions() (*region.Set, error) {
	def, err := region.Default()
	if err != nil {
		return nil, err
	}
	c, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	if len(c.Regions) == 0 {
		return def, nil
	}
	own, err := region.NewSet(c.Regions)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return def.Merge(own), nil
}
